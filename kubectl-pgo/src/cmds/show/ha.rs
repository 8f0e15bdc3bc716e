//! `show ha NAME`: Patroni's view only, `patronictl list` first.

use serde::Serialize;

use super::patroni::{self, PatroniMember, Prefer};
use super::Error;
use crate::client::Ctx;
use crate::exec;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HaView {
    pub name: String,
    pub namespace: String,
    pub members: Vec<PatroniMember>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

pub async fn show(ctx: &Ctx, name: &str) -> Result<HaView, Error> {
    let api = super::api(name);
    ctx.get_cluster(name).await.map_err(&api)?;
    let pods = exec::cluster_pods(ctx, name).await.map_err(&api)?;
    let mut notes = Vec::new();
    let optime = patroni::leader_optime(ctx, name).await;
    let (members, _) =
        patroni::read_patroni(ctx, name, &pods, optime, Prefer::Patronictl, &mut notes)
            .await
            .map_err(|why| Error::Patroni {
                name: name.into(),
                why,
            })?;
    Ok(HaView {
        name: name.into(),
        namespace: ctx.namespace.clone(),
        members,
        notes,
    })
}
