//! `anju`: the command line of the Anju HPF platform. Thin by design: parse
//! arguments, load configuration, open the store, then hand over to a use case.

mod adapters;
mod backup;
mod bench;
mod bench_assistant;
mod bench_http;
mod bench_repayment;
mod bench_report;
mod bench_withdrawal;
mod cli;
mod config;
mod fund;
mod interest;
mod loan;
mod run;
mod seed;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("anju: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("anju: {e:#}");
            ExitCode::from(2)
        }
    }
}
