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
        } else if let Err(e) = role_options(&options) {
            errors.push(err(format!("{field}.options"), e));
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

/// Role attributes without a value, as `CREATE ROLE` takes them.
const ROLE_FLAGS: &[&str] = &[
    "SUPERUSER",
    "NOSUPERUSER",
    "CREATEDB",
    "NOCREATEDB",
    "CREATEROLE",
    "NOCREATEROLE",
    "INHERIT",
    "NOINHERIT",
    "LOGIN",
    "NOLOGIN",
    "REPLICATION",
    "NOREPLICATION",
    "BYPASSRLS",
    "NOBYPASSRLS",
];

/// Checks `options` against the grammar of `CREATE ROLE ... WITH option [...]` (without
/// PASSWORD): flags, `CONNECTION LIMIT n`, `VALID UNTIL 'timestamp'`, `IN ROLE r [, ...]`,
/// `ROLE r`, `ADMIN r`. Anything else (a backslash that psql would run as a meta-command, a
/// second statement, a comment) is refused, so the SQL the agent runs is only what it writes.
pub fn role_options(options: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "{options:?}: {why}; use role options such as \"CREATEDB CONNECTION LIMIT 10\""
        ))
    };
    if options.contains(['\\', '\n', '\r', '\0'])
        || options.contains("--")
        || options.contains("/*")
    {
        return bad("backslashes, line breaks and comments are not role options");
    }
    let mut words = options.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let upper = w.to_ascii_uppercase();
        match upper.as_str() {
            f if ROLE_FLAGS.contains(&f) => {}
            "CONNECTION" => {
                let limit = words.next().map(str::to_ascii_uppercase);
                let n = words.next();
                if limit.as_deref() != Some("LIMIT")
                    || n.and_then(|n| n.parse::<i32>().ok()).is_none_or(|n| n < -1)
                {
                    return bad("CONNECTION LIMIT needs a number (-1 for no limit)");
                }
            }
            "VALID" => {
                let until = words.next().map(str::to_ascii_uppercase);
                // The timestamp is a literal that may hold spaces: take words to the closing quote.
                let mut lit = String::new();
                for w in words.by_ref() {
                    if !lit.is_empty() {
                        lit.push(' ');
                    }
                    lit.push_str(w);
                    if lit.len() > 1 && lit.ends_with('\'') {
                        break;
                    }
                }
                let inner = lit.strip_prefix('\'').and_then(|l| l.strip_suffix('\''));
                if until.as_deref() != Some("UNTIL") || inner.is_none_or(|i| i.contains('\'')) {
                    return bad(
                        "VALID UNTIL needs a quoted timestamp, such as VALID UNTIL '2030-01-01'",
                    );
                }
            }
            "IN" | "ROLE" | "ADMIN" | "USER" => {
                if upper == "IN"
                    && words.next().map(str::to_ascii_uppercase).as_deref() != Some("ROLE")
                {
                    return bad("IN must be followed by ROLE");
                }
                // One or more role names, separated by commas.
                let mut any = false;
                while let Some(name) = words.peek() {
                    let names: Vec<&str> = name.split(',').filter(|n| !n.is_empty()).collect();
                    if names.is_empty() && *name != "," {
                        break;
                    }
                    if !names.iter().all(|n| is_role_name(n)) {
                        if any {
                            break;
                        }
                        return bad("role names are letters, digits and '_', or in double quotes");
                    }
                    any = any || !names.is_empty();
                    let more = name.ends_with(',');
                    words.next();
                    if !more {
                        break;
                    }
                }
                if !any {
                    return bad("a role name must follow");
                }
            }
            _ => return bad(&format!("{w:?} is not a role option")),
        }
    }
    Ok(())
}

fn is_role_name(n: &str) -> bool {
    match n.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => !quoted.is_empty() && !quoted.contains('"'),
        None => {
            n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                && !ROLE_FLAGS.contains(&n.to_ascii_uppercase().as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::role_options;

    #[test]
    fn role_options_follow_the_create_role_grammar() {
        for ok in [
            "",
            "CREATEDB",
            "createdb nologin",
            "SUPERUSER CONNECTION LIMIT 10",
            "VALID UNTIL '2030-01-01 00:00:00+00'",
            "IN ROLE app, reporting",
            "IN ROLE app,reporting CREATEROLE",
            "ROLE \"MixedCase\"",
        ] {
            assert!(role_options(ok).is_ok(), "{ok}: {:?}", role_options(ok));
        }
    }

    #[test]
    fn hostile_options_are_refused() {
        for bad in [
            "\\! id",
            "CREATEDB \\! id",
            "CREATEDB\n\\! id",
            "CREATEDB -- comment",
            "CREATEDB /* x */",
            "CONNECTION LIMIT lots",
            "VALID UNTIL 2030",
            "VALID UNTIL '2030' ' OR 1",
            "IN ROLE",
            "IN app",
            "ROLE x\"y",
            "DROP TABLE t",
            "CREATEDB); DROP ROLE postgres",
        ] {
            assert!(role_options(bad).is_err(), "{bad}");
        }
    }
}
