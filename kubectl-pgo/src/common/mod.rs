//! Code several verbs share. A verb imports these modules, never another verb; these modules
//! never import a verb.

pub mod cluster;
pub mod edit;
pub mod error;
pub mod prompt;
