; The prelude: top-level imports and assignments, part of every program and prompt
; (src/sketch/parse.rs).
(module (import_statement) @prelude)
(module (import_from_statement) @prelude)
(module (future_import_statement) @prelude)
(module (expression_statement (assignment)) @prelude)
(module (expression_statement (augmented_assignment)) @prelude)
(module (type_alias_statement) @prelude)
