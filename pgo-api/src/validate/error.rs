//! A field that is wrong, and how to fix it.

/// A field that is wrong, and how to fix it: `field` is the path in the resource
/// (`spec.instances[0].replicas`), `message` says what is wrong and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub(crate) fn err(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// Lowercase letters, digits and '-', not at either end, at most `max` characters.
pub fn is_dns_label(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` holds a control character (line breaks, NUL, escape, DEL, ...): such text would
/// end a line of a configuration file or a SQL statement the agent writes.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A DNS subdomain (RFC 1123) as Kubernetes checks most object names: lowercase letters,
/// digits, '-' and '.', at most 253 characters (Kubernetes does not limit each part to 63).
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(|l| is_dns_label(l, 253))
}

/// The name part of a label key, and a non-empty label value: letters, digits, '-', '_' and
/// '.', starting and ending with a letter or digit, at most 63 characters.
fn is_qualified_name_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain.
pub fn is_label_key(k: &str) -> bool {
    match k.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_qualified_name_part(name),
        None => is_qualified_name_part(k),
    }
}

/// A label value: empty, or as the name part of a key.
pub fn is_label_value(v: &str) -> bool {
    v.is_empty() || is_qualified_name_part(v)
}
