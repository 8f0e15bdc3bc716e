//! Leader election with a coordination.k8s.io Lease, so that two replicas of the agent never
//! reconcile at once. Updates carry the Lease's resourceVersion, so a race loses cleanly.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::PostParams;
use kube::{Api, Client};

pub struct Elector {
    api: Api<Lease>,
    name: String,
    identity: String,
    lease: Duration,
}

#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Take,
    Wait,
}

/// Whether `identity` may take or renew the lease as it stands at `now`.
fn decide(spec: Option<&LeaseSpec>, identity: &str, now: Timestamp) -> Decision {
    let Some(spec) = spec else {
        return Decision::Take;
    };
    let holder = spec.holder_identity.as_deref().unwrap_or_default();
    if holder.is_empty() || holder == identity {
        return Decision::Take;
    }
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(15));
    match &spec.renew_time {
        Some(MicroTime(t)) if t.as_second() + duration > now.as_second() => Decision::Wait,
        _ => Decision::Take,
    }
}

impl Elector {
    pub fn new(
        client: Client,
        namespace: &str,
        name: &str,
        identity: String,
        lease: Duration,
    ) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            name: name.into(),
            identity,
            lease,
        }
    }

    /// One attempt to take or renew the lease. `Ok(true)` when we hold it.
    pub async fn try_acquire(&self) -> Result<bool, kube::Error> {
        let now = Timestamp::now();
        let current = self.api.get_opt(&self.name).await?;
        let spec = current.as_ref().and_then(|l| l.spec.as_ref());
        if decide(spec, &self.identity, now) == Decision::Wait {
            return Ok(false);
        }
        let held_by_us = spec.and_then(|s| s.holder_identity.as_deref()) == Some(&self.identity);
        let transitions = spec.and_then(|s| s.lease_transitions).unwrap_or(0);
        let new_spec = LeaseSpec {
            holder_identity: Some(self.identity.clone()),
            lease_duration_seconds: Some(self.lease.as_secs() as i32),
            acquire_time: if held_by_us {
                spec.and_then(|s| s.acquire_time.clone())
            } else {
                Some(MicroTime(now))
            },
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(if held_by_us {
                transitions
            } else {
                transitions + 1
            }),
            ..Default::default()
        };
        let result = match current {
            None => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.name.clone()),
                        ..Default::default()
                    },
                    spec: Some(new_spec),
                };
                self.api.create(&PostParams::default(), &lease).await
            }
            Some(mut lease) => {
                lease.spec = Some(new_spec);
                self.api
                    .replace(&self.name, &PostParams::default(), &lease)
                    .await
            }
        };
        match result {
            Ok(_) => Ok(true),
            // Someone else won the race.
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Waits until this replica leads.
    pub async fn acquire(&self) {
        loop {
            match self.try_acquire().await {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "leader election failed; retrying"),
            }
            tokio::time::sleep(self.lease / 3).await;
        }
    }

    /// Renews the lease until it is lost; returns when it is.
    pub async fn hold(&self) {
        let mut last_renewed = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(self.lease / 3).await;
            match self.try_acquire().await {
                Ok(true) => last_renewed = tokio::time::Instant::now(),
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "failed to renew the leader lease");
                    if last_renewed.elapsed() >= self.lease {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(holder: &str, renewed: i64) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(holder.into()),
            lease_duration_seconds: Some(15),
            renew_time: Some(MicroTime(Timestamp::from_second(renewed).unwrap())),
            ..Default::default()
        }
    }

    #[test]
    fn a_live_lease_of_another_holder_is_respected_and_an_expired_one_is_taken() {
        let now = Timestamp::from_second(1_000).unwrap();
        assert_eq!(decide(None, "a", now), Decision::Take);
        assert_eq!(decide(Some(&spec("b", 990)), "a", now), Decision::Wait);
        assert_eq!(decide(Some(&spec("b", 980)), "a", now), Decision::Take);
        assert_eq!(decide(Some(&spec("a", 999)), "a", now), Decision::Take);
    }

    #[test]
    fn a_lease_without_holder_or_renewal_is_free() {
        let now = Timestamp::from_second(1_000).unwrap();
        let unheld = LeaseSpec {
            holder_identity: Some(String::new()),
            renew_time: Some(MicroTime(now)),
            ..Default::default()
        };
        assert_eq!(decide(Some(&unheld), "a", now), Decision::Take);
        assert_eq!(
            decide(Some(&LeaseSpec::default()), "a", now),
            Decision::Take
        );
        let never_renewed = LeaseSpec {
            holder_identity: Some("b".into()),
            ..Default::default()
        };
        assert_eq!(decide(Some(&never_renewed), "a", now), Decision::Take);
    }

    #[test]
    fn a_lease_expires_exactly_at_renewal_plus_duration() {
        let now = Timestamp::from_second(1_000).unwrap();
        assert_eq!(decide(Some(&spec("b", 986)), "a", now), Decision::Wait);
        assert_eq!(decide(Some(&spec("b", 985)), "a", now), Decision::Take);
        // Without a duration, 15 seconds are assumed.
        let mut s = spec("b", 986);
        s.lease_duration_seconds = None;
        assert_eq!(decide(Some(&s), "a", now), Decision::Wait);
        s.lease_duration_seconds = Some(60);
        s.renew_time = Some(MicroTime(Timestamp::from_second(950).unwrap()));
        assert_eq!(decide(Some(&s), "a", now), Decision::Wait);
    }
}
