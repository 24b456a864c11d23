; Inline holes (src/sketch/parse.rs).

; A string literal called like a function is an inline hole: "description"(args),
; """multi-line description"""(args) or `description`(args) (tree-sitter reads
; backtick-quoted text as a string too).
(call
  function: (string) @hole.literal
  arguments: (_) @hole.args) @hole.call

; Implicitly concatenated strings called like a function: reported as an error.
(call
  function: (concatenated_string) @hole.concatenated)
