//! `spec.users`: names, databases, role options and password types.

use std::collections::BTreeSet;

use super::error::{err, has_control, is_dns_label, FieldError};
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
    if list.len() > MAX_USERS {
        errors.push(err(
            "spec.users",
            format!("{} users; at most {MAX_USERS} are allowed", list.len()),
        ));
    }
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
        if RESERVED_ROLE_NAMES.contains(&u.name.as_str()) {
            errors.push(err(
                format!("{field}.name"),
                format!(
                    "{:?} is a reserved role name in PostgreSQL; choose another",
                    u.name
                ),
            ));
        }
        let databases = u.databases.clone().unwrap_or_default();
        for (j, db) in databases.iter().enumerate() {
            if db.is_empty() || db.len() > 63 || has_control(db) {
                errors.push(err(
                    format!("{field}.databases[{j}]"),
                    "must be 1 to 63 bytes, without control characters such as line breaks",
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
        } else if u.name == names::SUPERUSER {
            let words: Vec<String> = options
                .split_whitespace()
                .map(str::to_ascii_uppercase)
                .collect();
            for w in ["NOSUPERUSER", "NOLOGIN"] {
                if words.iter().any(|x| x == w) {
                    errors.push(err(
                        format!("{field}.options"),
                        format!(
                            "{w} would take from {:?} what the agent and Patroni need; remove it",
                            names::SUPERUSER
                        ),
                    ));
                }
            }
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

/// The most users one cluster may have.
pub const MAX_USERS: usize = 256;

/// Names PostgreSQL refuses for a role.
const RESERVED_ROLE_NAMES: &[&str] = &[
    "public",
    "none",
    "current_user",
    "current_role",
    "session_user",
];

/// The attribute a flag sets: `NOCREATEDB` and `CREATEDB` are the same attribute.
fn attribute(flag: &str) -> &str {
    match flag.strip_prefix("NO") {
        Some(rest) if ROLE_FLAGS.contains(&rest) => rest,
        _ => flag,
    }
}

/// Checks `options` against the grammar of `ALTER ROLE ... WITH option [...]`, which is how the
/// agent applies them (without PASSWORD, which it manages): flags, `CONNECTION LIMIT n` and
/// `VALID UNTIL 'timestamp'`, each attribute at most once (Postgres refuses a repeated or
/// conflicting one, which would stop every user's SQL). Anything else (`IN ROLE`, `ROLE`,
/// `ADMIN`, `USER` and `SYSID`, which only `CREATE ROLE` takes; a backslash that psql would run
/// as a meta-command, a second statement, a comment, a control character) is refused, so the
/// SQL the agent runs is only what it writes.
pub fn role_options(options: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "{options:?}: {why}; use role options such as \"CREATEDB CONNECTION LIMIT 10\""
        ))
    };
    if options.contains('\\')
        || has_control(options)
        || options.contains("--")
        || options.contains("/*")
    {
        return bad("backslashes, control characters such as line breaks, and comments are not role options");
    }
    if options.contains(';') {
        return bad("';' would end the statement");
    }
    let mut seen = BTreeSet::new();
    let mut words = options.split_whitespace();
    while let Some(w) = words.next() {
        let upper = w.to_ascii_uppercase();
        let attr = match upper.as_str() {
            f if ROLE_FLAGS.contains(&f) => attribute(f).to_string(),
            "CONNECTION" => {
                let limit = words.next().map(str::to_ascii_uppercase);
                let n = words.next();
                if limit.as_deref() != Some("LIMIT")
                    || n.and_then(|n| n.parse::<i32>().ok()).is_none_or(|n| n < -1)
                {
                    return bad("CONNECTION LIMIT needs a number (-1 for no limit)");
                }
                upper
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
                if until.as_deref() != Some("UNTIL") || inner.is_none_or(|i| !is_timestamp(i)) {
                    return bad(
                        "VALID UNTIL needs a quoted timestamp, such as VALID UNTIL '2030-01-01' or 'infinity'",
                    );
                }
                upper
            }
            "IN" | "ROLE" | "ADMIN" | "USER" | "SYSID" => {
                return bad(&format!(
                    "{w} is for CREATE ROLE; grant role memberships in SQL instead"
                ))
            }
            _ => return bad(&format!("{w:?} is not a role option")),
        };
        if !seen.insert(attr.clone()) {
            return bad(&format!(
                "{attr} is given more than once (or with its opposite)"
            ));
        }
    }
    Ok(())
}

/// A timestamp as `VALID UNTIL` takes it: `infinity`, a date, or a date and time.
fn is_timestamp(s: &str) -> bool {
    if matches!(s, "infinity" | "-infinity") {
        return true;
    }
    let date = s.get(..10).unwrap_or(s);
    let date_ok = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    date_ok && (s.len() == 10 || super::backups::parse_target_time(s).is_some())
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
            "VALID UNTIL '2030-01-01'",
            "VALID UNTIL 'infinity' CREATEROLE",
            "CONNECTION LIMIT -1 NOINHERIT",
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
            "IN ROLE app",
            "ROLE app",
            "ADMIN app",
            "USER app",
            "SYSID 10",
            "CREATEDB NOCREATEDB",
            "LOGIN LOGIN",
            "VALID UNTIL 'soon'",
            "CREATEDB\u{7}",
            "DROP TABLE t",
            "CREATEDB); DROP ROLE postgres",
        ] {
            assert!(role_options(bad).is_err(), "{bad}");
        }
    }
}
