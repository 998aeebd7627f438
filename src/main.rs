//! `bisman`: parse the command line and run; everything else lives in the library.

fn main() -> std::process::ExitCode {
    bisman::cli::run()
}
