//! Which front end is asking. The engine's messages that give advice name commands, and a
//! command is spelt differently in each front end (`anpl compile` in a shell, `compile` at
//! the REPL's prompt, the `c` key in the full-screen UI); advice must be advice that works
//! where it is read.

/// The front end an operation runs for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FrontEnd {
    /// `anpl COMMAND` in a shell or script.
    #[default]
    Cli,
    /// `anpl repl`: commands typed at its prompt.
    Repl,
    /// `anpl SKETCH`: keys, and commands on its `:` line.
    Tui,
}

impl FrontEnd {
    /// How to compile the holes that need it.
    pub fn compile(self) -> &'static str {
        match self {
            FrontEnd::Cli => "run `anpl compile` first",
            FrontEnd::Repl => "run `compile` first",
            FrontEnd::Tui => "press c to compile first",
        }
    }

    /// How to repair failing holes.
    pub fn repair(self) -> &'static str {
        match self {
            FrontEnd::Cli => "`anpl compile`, or `resynth HOLE` in `anpl repl`",
            FrontEnd::Repl => "`compile`, or `resynth HOLE`",
            FrontEnd::Tui => "c compiles, s resynthesizes the selected hole",
        }
    }

    /// How to give the export command a flag.
    pub fn export_flag(self, flag: &str) -> String {
        match self {
            FrontEnd::Cli => format!("pass {flag}"),
            FrontEnd::Repl => format!("add {flag} to `export`"),
            FrontEnd::Tui => format!("add {flag} to `:export`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FrontEnd;

    #[test]
    fn each_front_end_names_its_own_commands() {
        assert!(FrontEnd::Cli.compile().contains("anpl compile"));
        assert!(!FrontEnd::Repl.compile().contains("anpl"));
        assert!(FrontEnd::Tui.compile().contains("press c"));
        assert_eq!(
            FrontEnd::Repl.export_flag("--allow-partial"),
            "add --allow-partial to `export`"
        );
    }
}
