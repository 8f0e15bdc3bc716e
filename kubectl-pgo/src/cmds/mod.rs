//! One module per verb: its Args and a `run()` that returns data for `output`. Verbs share code
//! through `crate::common`, never through each other.

pub mod backup;
pub mod create;
pub mod delete;
pub mod logs;
pub mod psql;
pub mod restart;
pub mod restore;
pub mod scale;
pub mod show;
pub mod shutdown;
pub mod support;
pub mod switchover;
pub mod version;
