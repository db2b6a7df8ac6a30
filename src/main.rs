use std::process::ExitCode;

fn main() -> ExitCode {
    rampart::app::main()
}
