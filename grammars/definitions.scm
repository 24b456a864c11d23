; Definitions the sketch parser reads (src/sketch/parse.rs).

; Every function, top-level or nested, with its parts. A def whose body is only a
; docstring (plus `...` or `pass`) is a named hole; any other def is sketch.
(function_definition
  name: (identifier) @def.name
  parameters: (parameters) @def.params
  return_type: (_)? @def.returns
  body: (block) @def.body) @def

; A docstring candidate: a string that is the first statement of a body.
(function_definition
  body: (block
    .
    (expression_statement
      .
      (string) @docstring
      .))) @docstring.owner
