//! The `PostgresCluster` API (`postgres-operator.crunchydata.com/v1beta1`) and the names, labels
//! and annotations every part of the project agrees on, and the validation both the agent and
//! `kubectl pgo` run. This crate does no I/O.
#![forbid(unsafe_code)]

pub mod cluster;
pub mod names;
pub mod schema;
pub mod validate;
pub mod versions;

pub use cluster::*;
