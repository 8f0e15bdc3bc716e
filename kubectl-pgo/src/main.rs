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

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use common::error::CmdError;
use global::GlobalArgs;
use output::Render;

fn main() -> ExitCode {
    // A bug must still end in one line, not a Rust panic report.
    std::panic::set_hook(Box::new(|info| {
        let p = info.payload();
        let msg = (p.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("error: internal error: {msg} (this is a bug in kubectl-pgo; please report it)");
    }));
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(completion::complete::COMPLETE) {
        return complete(args.collect());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            eprintln!("{}", common::error::usage_error(&e.render().to_string()));
            return ExitCode::from(common::error::EXIT_USAGE);
        }
    };
    if let Err(e) = cli.global.check() {
        eprintln!("error: {e}");
        return ExitCode::from(common::error::EXIT_USAGE);
    }
    let format = cli.global.output;
    // Commands that need no API server run without a tokio runtime, so they start fast.
    let result = match cli.command {
        Command::Version(cmds::version::Args { client: true }) => ok(cmds::version::client()),
        Command::Completion(args) => ok(completion::generate(args.shell, Cli::command())),
        command => {
            let rt = runtime();
            let result = rt.block_on(run(command, &cli.global));
            // A wizard interrupted by Ctrl-C may still wait for a key on its thread.
            rt.shutdown_background();
            result
        }
    };
    match result {
        Ok(data) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(data.render(format).as_bytes());
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

type Outcome = Result<Box<dyn Render>, Box<dyn CmdError>>;

/// A command's result, boxed so every command returns the same type.
fn done<T: Render + 'static, E: CmdError + 'static>(result: Result<T, E>) -> Outcome {
    match result {
        Ok(data) => Ok(Box::new(data)),
        Err(e) => Err(Box::new(e)),
    }
}

fn ok<T: Render + 'static>(data: T) -> Outcome {
    Ok(Box::new(data))
}

async fn run(command: Command, global: &GlobalArgs) -> Outcome {
    use cmds::*;
    match command {
        Command::Create(args) => {
            let wizard = args.kind.is_none() && args.cluster.name.is_none();
            done(create::run(args.into_cluster_args(), global, wizard).await)
        }
        Command::Scale(a) => done(scale::run(a, global).await),
        Command::Show(a) => done(show::run(a, global).await),
        Command::Switchover(a) => done(switchover::run(a, global).await),
        Command::Psql(a) => match psql::run(a, global).await {
            Ok(never) => match never {},
            Err(e) => Err(Box::new(e)),
        },
        Command::Restart(a) => done(restart::run(a, global).await),
        Command::Logs(a) => done(logs::run(a, global).await),
        Command::Start(a) => done(shutdown::start(a, global).await),
        Command::Stop(a) => done(shutdown::stop(a, global).await),
        Command::Backup(a) => done(backup::run(a, global).await),
        Command::Restore(a) => done(restore::run(a, global).await),
        Command::Delete(a) => done(delete::run(a, global).await),
        Command::Support(a) => done(support::run(a, global).await),
        Command::Version(_) => done(version::run(global).await),
        Command::Completion(_) => unreachable!("handled without a runtime"),
    }
}

/// `__complete`: never fails loudly; a shell completion must not print errors.
fn complete(words: Vec<String>) -> ExitCode {
    let mut c = completion::complete::complete(Cli::command(), &words);
    if c.dynamic.is_some() {
        runtime().block_on(completion::fetch::fill_dynamic(&mut c, &words));
    }
    print!("{}", completion::complete::render(&c));
    ExitCode::SUCCESS
}
