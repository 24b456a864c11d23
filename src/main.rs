use std::process::ExitCode;

fn main() -> ExitCode {
    anpl::cli::main()
}
