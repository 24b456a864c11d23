; Code tree-sitter accepts but Python 3 rejects (src/sketch/parse.rs).

; Every string literal: a backtick string anywhere but before a call's arguments is
; not Python, and not a hole either.
(string) @string

; Python 2 statements.
(print_statement) @python2
(exec_statement) @python2
