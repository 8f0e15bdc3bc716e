//! `spec.users`: names, databases, role options and password types.

use std::collections::BTreeSet;

use super::error::{err, is_dns_label, FieldError};
use super::types::User;
use crate::{names, PostgresClusterSpec};

pub fn validate(
    spec: &PostgresClusterSpec,
    cluster: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<User> {
    let Some(list) = &spec.users else {
        // As PGO: one user named after the cluster, owning a database of the same name.
        return vec![User {
            name: cluster.into(),
            databases: vec![cluster.into()],
            options: String::new(),
            alphanumeric: false,
        }];
    };
    let mut seen = BTreeSet::new();
    let mut users = Vec::new();
    for (i, u) in list.iter().enumerate() {
        let field = format!("spec.users[{i}]");
        let ok_name =
            is_dns_label(&u.name, 63) && u.name.starts_with(|c: char| c.is_ascii_lowercase());
        if !ok_name {
            errors.push(err(
                format!("{field}.name"),
                format!("{:?} must start with a letter and contain only lowercase letters, digits and '-', at most 63 characters", u.name),
            ));
        }
        if u.name == names::REPLICATION_USER {
            errors.push(err(format!("{field}.name"), "is reserved for replication"));
        }
        if !seen.insert(u.name.clone()) {
            errors.push(err(
                format!("{field}.name"),
                format!("user {:?} is listed more than once", u.name),
            ));
        }
        let databases = u.databases.clone().unwrap_or_default();
        for (j, db) in databases.iter().enumerate() {
            if db.is_empty() || db.len() > 63 || db.contains('\0') {
                errors.push(err(
                    format!("{field}.databases[{j}]"),
                    "must be 1 to 63 characters",
                ));
            }
        }
        let options = u.options.clone().unwrap_or_default();
        if options.to_ascii_uppercase().contains("PASSWORD") || options.contains(';') {
            errors.push(err(
                format!("{field}.options"),
                "must not contain PASSWORD or ';'; the password is managed in the user's Secret",
            ));
        }
        let alphanumeric = match u.password.as_ref().map(|p| p.type_.as_str()) {
            None | Some("ASCII") => false,
            Some("AlphaNumeric") => true,
            Some(other) => {
                errors.push(err(
                    format!("{field}.password.type"),
                    format!("{other:?} is not a password type; use ASCII or AlphaNumeric"),
                ));
                false
            }
        };
        users.push(User {
            name: u.name.clone(),
            databases,
            options,
            alphanumeric,
        });
    }
    users
}
