//! The Postgres images the agent was installed with: one per major, from
//! `RELATED_IMAGE_POSTGRES_<N>` as in PGO (and `--postgres-15-image`). Validation refuses a
//! `postgresVersion` with none, unless the cluster names its own `spec.image`.

use std::collections::BTreeMap;

use pgo_api::validate::{MAX_POSTGRES_VERSION, MIN_POSTGRES_VERSION};

pub const ENV_PREFIX: &str = "RELATED_IMAGE_POSTGRES_";

/// The image of each major from the environment `vars`; `postgres_15` (the flag, whose
/// default is the development image) wins for 15. Empty values and names with a suffix after
/// the major (PGO's `_GIS` images) are left out.
pub fn postgres_images(
    vars: impl IntoIterator<Item = (String, String)>,
    postgres_15: &str,
) -> BTreeMap<i32, String> {
    let mut images: BTreeMap<i32, String> = vars
        .into_iter()
        .filter_map(|(k, v)| {
            let major: i32 = k.strip_prefix(ENV_PREFIX)?.parse().ok()?;
            let v = v.trim();
            ((MIN_POSTGRES_VERSION..=MAX_POSTGRES_VERSION).contains(&major) && !v.is_empty())
                .then(|| (major, v.to_string()))
        })
        .collect();
    if !postgres_15.trim().is_empty() {
        images.insert(15, postgres_15.trim().to_string());
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn each_related_image_variable_gives_its_major_an_image() {
        let images = postgres_images(
            vars(&[
                ("RELATED_IMAGE_POSTGRES_17", "localhost/pgo-postgres:17"),
                ("RELATED_IMAGE_POSTGRES_18", " localhost/pgo-postgres:18 "),
                ("RELATED_IMAGE_POSTGRES_16", ""),
                ("RELATED_IMAGE_POSTGRES_17_GIS", "gis:17"),
                ("RELATED_IMAGE_POSTGRES_0", "zero"),
                ("RELATED_IMAGE_PGBOUNCER", "pgbouncer"),
                ("PATH", "/bin"),
            ]),
            "localhost/pgo-postgres:15",
        );
        assert_eq!(
            images,
            [
                (15, "localhost/pgo-postgres:15".to_string()),
                (17, "localhost/pgo-postgres:17".to_string()),
                (18, "localhost/pgo-postgres:18".to_string()),
            ]
            .into()
        );
    }

    #[test]
    fn the_15_flag_wins_over_the_environment() {
        let images = postgres_images(vars(&[("RELATED_IMAGE_POSTGRES_15", "env:15")]), "flag:15");
        assert_eq!(images[&15], "flag:15");
    }
}
