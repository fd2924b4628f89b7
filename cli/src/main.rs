//! `matcalc`: ask for a gradient, Jacobian, Hessian or one of their products (vjp, jvp, hvp) of
//! a matrix expression and get the closed
//! form with its shape, in Unicode or LaTeX, the Rust code the attribute macros would generate,
//! a numeric check or the derivation. The engine is `matcalc-symbolic`; this binary only
//! assembles its stages (see `derive`).

mod args;
mod check;
mod derive;
mod report;
mod steps;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use matcalc_symbolic::generate::Derivative;

/// How a run ended, besides success.
pub enum Failure {
    /// An error in what the user asked (already reported): exit status 1.
    User,
    /// A usage error, reported by clap's formatter: exit status 2.
    Usage(clap::Error),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (kind, options) = match &cli.command {
        Command::Grad(o) => (Derivative::Grad, o),
        Command::Jacobian(o) => (Derivative::Jacobian, o),
        Command::Hessian(o) => (Derivative::Hessian, o),
        Command::Vjp(o) => (Derivative::Vjp, o),
        Command::Jvp(o) => (Derivative::Jvp, o),
        Command::Hvp(o) => (Derivative::Hvp, o),
    };
    match derive::run(kind, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::User) => ExitCode::from(1),
        Err(Failure::Usage(error)) => error.exit(),
    }
}
