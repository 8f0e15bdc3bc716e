//! pgBackRest at run time: the stanza, manual and scheduled backups, in-place restores and
//! clones, and `status.pgbackrest`.
//!
//! The decisions are pure and live in [`restore`] and [`backups`]; [`act`] observes what they
//! need (`pgbackrest info`, a clone's source cluster), runs them and carries out what they
//! decide. The objects themselves are built in `crate::desired`.
//!
//! A restore runs in three phases, recorded in `status.pgbackrest.restore` so that the agent can
//! stop and resume at any point:
//! 1. every instance is stopped (its StatefulSet scaled to 0) and Patroni's DCS is removed;
//! 2. a Job restores the first instance's volume (`pgbackrest restore --delta`), recovers to
//!    the target and stops Postgres cleanly;
//! 3. the other instances' volumes are recreated empty, the restored instance starts alone and
//!    Patroni makes it the primary; then every instance starts and the replicas copy it.
//!
//! A clone is the same, from another cluster's repository, before the cluster first starts.

pub mod act;
pub mod backups;
pub mod restore;
