//! What every reconcile shares: the client, the agent's defaults, caches and metrics.

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use pgo_api::validate::Defaults;

use crate::apply::ApplyCache;
use crate::http::Health;

pub struct Context {
    pub client: Client,
    pub defaults: Defaults,
    pub pdb_supported: bool,
    pub cache: ApplyCache,
    /// This agent's name in Events it reports.
    pub instance: String,
    pub health: Arc<Health>,
    /// How often an unchanged cluster is looked at again.
    pub resync: Duration,
}
