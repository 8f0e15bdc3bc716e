//! Pure checks of user input, each returning a message that names the flag and the fix.

use std::time::Duration;

/// A DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit.
pub fn dns_label(value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > max {
        return Err(format!(
            "is {} characters long; the limit is {max}",
            value.len()
        ));
    }
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let first = value.chars().next().unwrap_or('-');
    let last = value.chars().last().unwrap_or('-');
    if !ok_chars || !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(
            "must be lowercase letters, digits and '-', starting and ending with a letter or digit"
                .into(),
        );
    }
    Ok(())
}

/// A DNS-1123 subdomain (StorageClass names): dot-separated labels, at most 253 characters.
pub fn dns_subdomain(value: &str) -> Result<(), String> {
    if value.len() > 253 {
        return Err(format!(
            "is {} characters long; the limit is 253",
            value.len()
        ));
    }
    value
        .split('.')
        .try_for_each(|label| dns_label(label, 63))
        .map_err(|_| {
            "must be lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit".into()
        })
}

/// A Kubernetes resource quantity (`1Gi`, `500m`, `2`, `1.5G`, `1e3`); returns its value.
pub fn quantity(value: &str) -> Result<f64, String> {
    let s = value.trim();
    let hint = "must be a Kubernetes quantity such as 1Gi, 500Mi, 2 or 500m";
    if s.is_empty() || s != value {
        return Err(hint.into());
    }
    let suffixes: [(&str, f64); 15] = [
        ("Ki", 1024f64),
        ("Mi", 1024f64.powi(2)),
        ("Gi", 1024f64.powi(3)),
        ("Ti", 1024f64.powi(4)),
        ("Pi", 1024f64.powi(5)),
        ("Ei", 1024f64.powi(6)),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    let (number, factor) = suffixes
        .iter()
        .find_map(|(suf, f)| s.strip_suffix(suf).map(|n| (n, *f)))
        .unwrap_or((s, 1.0));
    let digits_ok = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | '-' | 'e' | 'E'))
        && number.chars().any(|c| c.is_ascii_digit());
    if !digits_ok {
        return Err(hint.into());
    }
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n * factor),
        _ => Err(hint.into()),
    }
}

/// A positive quantity.
pub fn positive_quantity(value: &str) -> Result<f64, String> {
    let v = quantity(value)?;
    if v <= 0.0 {
        return Err("must be greater than zero".into());
    }
    Ok(v)
}

/// A volume size: a quantity of at least 1Mi (a bare `1` is one byte, never what was meant).
pub fn storage_size(value: &str) -> Result<f64, String> {
    let v = quantity(value)?;
    if v < 1024f64 * 1024f64 {
        return Err("must be at least 1Mi: give a unit, e.g. 1Gi or 500Mi".into());
    }
    Ok(v)
}

/// A duration such as `90s`, `5m`, `1h` or `1h30m`.
pub fn duration(value: &str) -> Result<Duration, String> {
    let hint = || format!("{value:?} is not a duration: use e.g. 30s, 5m or 1h");
    let mut total = 0u64;
    let mut number = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| hint())?;
        number.clear();
        total += match c {
            's' => n,
            'm' => n * 60,
            'h' => n * 3600,
            _ => return Err(hint()),
        };
    }
    if !number.is_empty() {
        // A bare number is seconds, as kubectl's --timeout accepts.
        total += number.parse::<u64>().map_err(|_| hint())?;
    }
    if value.is_empty() {
        return Err(hint());
    }
    Ok(Duration::from_secs(total))
}

/// A database name: anything Postgres takes as a quoted identifier, within its 63-byte limit.
pub fn database_name(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 63 {
        return Err(format!("is {} bytes long; the limit is 63", value.len()));
    }
    if value
        .chars()
        .any(|c| c.is_whitespace() || c == '\0' || c == '"')
    {
        return Err("must not contain spaces, quotes or NUL".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label("hippo-1", 63).is_ok());
        assert!(dns_label("Hippo", 63).unwrap_err().contains("lowercase"));
        assert!(dns_label("-hippo", 63).is_err());
        assert!(dns_label("hippo-", 63).is_err());
        assert!(dns_label("hip_po", 63).is_err());
        assert!(dns_label("", 63).unwrap_err().contains("empty"));
        assert!(dns_label("instance-set-name", 15)
            .unwrap_err()
            .contains("limit is 15"));
    }

    #[test]
    fn subdomains() {
        for ok in ["fast.ssd.example.com", "local-path"] {
            assert!(dns_subdomain(ok).is_ok(), "{ok}");
        }
        for bad in ["bad..name", "Upper"] {
            assert!(dns_subdomain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity("1Gi").unwrap(), 1024f64.powi(3));
        assert_eq!(quantity("500m").unwrap(), 0.5);
        assert_eq!(quantity("2").unwrap(), 2.0);
        assert_eq!(quantity("1.5G").unwrap(), 1.5e9);
        for bad in ["1GB", "lots", "Gi", " 1Gi"] {
            assert!(quantity(bad).is_err(), "{bad:?}");
        }
        assert!(positive_quantity("0").is_err());
        assert!(storage_size("1").unwrap_err().contains("at least 1Mi"));
        assert!(storage_size("1Mi").is_ok());
    }

    #[test]
    fn durations() {
        assert_eq!(duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(duration("45").unwrap(), Duration::from_secs(45));
        assert!(duration("5 minutes").is_err());
        assert!(duration("").is_err());
    }
}
