//! `start NAME`: set spec.shutdown=false.

use crate::cmds::stop::{set_shutdown, Error};
use crate::cmds::{ApplyArgs, Change};
use crate::global::GlobalArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The cluster.
    pub name: String,

    #[command(flatten)]
    pub apply: ApplyArgs,
}

pub async fn run(args: Args, global: &GlobalArgs) -> Result<Change, Error> {
    set_shutdown(&args.name, false, &args.apply, global).await
}
