//! kubectl-pgo: parse, run one command, print its result, exit with a code scripts can trust.
#![forbid(unsafe_code)]

mod apply;
mod cli;
mod client;
mod cmds;
mod common;
mod completion;
mod exec;
mod global;
mod output;
mod validate;
mod wizard;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use common::error::CmdError;
use global::GlobalArgs;
use output::Data;

fn main() -> ExitCode {
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(completion::complete::COMPLETE) {
        return complete(args.collect());
    }
    let cli = Cli::parse();
    let format = cli.global.output;
    // Commands that need no API server run without a tokio runtime, so they start fast.
    let result: Result<Data, Box<dyn CmdError>> = match cli.command {
        Command::Version(cmds::version::Args { client: true }) => {
            Ok(Data::Versions(cmds::version::client()))
        }
        Command::Completion(args) => {
            Ok(Data::Text(completion::generate(args.shell, Cli::command())))
        }
        command => runtime().block_on(run(command, &cli.global)),
    };
    match result {
        Ok(data) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(output::render(&data, format).as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime")
}

fn boxed<E: CmdError + 'static>(e: E) -> Box<dyn CmdError> {
    Box::new(e)
}

async fn run(command: Command, global: &GlobalArgs) -> Result<Data, Box<dyn CmdError>> {
    use cmds::*;
    Ok(match command {
        Command::Create(args) => {
            let wizard = args.kind.is_none() && args.cluster.name.is_none();
            let cluster_args = args.into_cluster_args();
            Data::Created(
                create::run(cluster_args, global, wizard)
                    .await
                    .map_err(boxed)?,
            )
        }
        Command::Scale(a) => Data::Changed(scale::run(a, global).await.map_err(boxed)?),
        Command::Show(a) => Data::Show(show::run(a, global).await.map_err(boxed)?),
        Command::Switchover(a) => Data::Changed(switchover::run(a, global).await.map_err(boxed)?),
        Command::Start(a) => Data::Changed(shutdown::start(a, global).await.map_err(boxed)?),
        Command::Stop(a) => Data::Changed(shutdown::stop(a, global).await.map_err(boxed)?),
        Command::Backup(a) => Data::Changed(backup::run(a, global).await.map_err(boxed)?),
        Command::Restore(a) => Data::Changed(restore::run(a, global).await.map_err(boxed)?),
        Command::Delete(a) => Data::Deleted(delete::run(a, global).await.map_err(boxed)?),
        Command::Version(_) => Data::Versions(version::run(global).await.map_err(boxed)?),
        Command::Completion(_) => unreachable!("handled without a runtime"),
    })
}

/// `__complete`: never fails loudly; a shell completion must not print errors.
fn complete(words: Vec<String>) -> ExitCode {
    let mut c = completion::complete::complete(Cli::command(), &words);
    if c.dynamic.is_some() {
        runtime().block_on(completion::complete::fill_dynamic(&mut c, &words));
    }
    print!("{}", completion::complete::render(&c));
    ExitCode::SUCCESS
}
