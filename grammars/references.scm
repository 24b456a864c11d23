; Names used in code, for the call graph (src/sketch/graph.rs).

; Every identifier is a candidate reference to a sketch function or named hole...
(identifier) @name

; ...except the ones that only name something: attribute fields, keyword names and the
; names a def or class introduces.
(attribute attribute: (identifier) @not_reference)
(keyword_argument name: (identifier) @not_reference)
(function_definition name: (identifier) @not_reference)
(class_definition name: (identifier) @not_reference)

; Attribute fields, read again by the call graph: `account.withdraw(...)` refers to the
; method `withdraw` when a sketch class defines one.
(attribute attribute: (identifier) @member)
