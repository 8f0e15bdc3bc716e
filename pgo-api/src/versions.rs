//! The PostgreSQL majors this project builds images for (`images/build.sh postgres N`), and the
//! Patroni and pgBackRest in each: the configuration the agent writes depends on them.
//!
//! The image of a version is the agent's choice (`RELATED_IMAGE_POSTGRES_<N>`, or `spec.image`);
//! what runs inside it is known from the version alone, through [`BUILT`].

/// A Patroni series whose configuration or API differs from the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PatroniSeries {
    /// 3.0 (Debian bookworm): labels the leader's pod `role=master`, and knows no
    /// `kubernetes.*_label_value` settings.
    V3_0,
    /// 4.0 (trixie): says `primary` for the leader everywhere (its pod label by default, the
    /// REST API, the DCS); `kubernetes.leader_label_value` keeps the label `master`.
    V4_0,
    /// 4.1 (forky): as 4.0; a replica is ready (`/readiness`) only while it streams within
    /// `maximum_lag_on_failover`; `patronictl list` has `Receive Lag`/`Replay Lag` columns.
    V4_1,
}

impl PatroniSeries {
    /// Whether the leader is `primary` rather than `master` to Patroni itself (its label
    /// default, REST API and DCS).
    pub fn says_primary(self) -> bool {
        self >= PatroniSeries::V4_0
    }
}

/// One image recipe of `images/build.sh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltImage {
    pub postgres: i32,
    /// The Debian suite its packages come from.
    pub debian: &'static str,
    pub patroni: PatroniSeries,
    /// pgBackRest's version, major.minor.
    pub pgbackrest: &'static str,
}

/// The images this project builds, oldest first. Debian ships no PostgreSQL 16 in these suites,
/// so there is no 16 image.
pub const BUILT: &[BuiltImage] = &[
    BuiltImage {
        postgres: 15,
        debian: "bookworm",
        patroni: PatroniSeries::V3_0,
        pgbackrest: "2.45",
    },
    BuiltImage {
        postgres: 17,
        debian: "trixie",
        patroni: PatroniSeries::V4_0,
        pgbackrest: "2.55",
    },
    BuiltImage {
        postgres: 18,
        debian: "forky",
        patroni: PatroniSeries::V4_1,
        pgbackrest: "2.60",
    },
];

/// The majors the project builds images for: what `kubectl pgo create` offers.
pub fn built_versions() -> Vec<i32> {
    BUILT.iter().map(|b| b.postgres).collect()
}

/// The image recipe of a major, if the project has one.
pub fn built(postgres_version: i32) -> Option<&'static BuiltImage> {
    BUILT.iter().find(|b| b.postgres == postgres_version)
}

/// The Patroni series the agent configures for a major. A version without a recipe runs only
/// with `spec.image`, whose Patroni the agent cannot know: it gets the newest series'
/// configuration, whose extra settings (the role label values) Patroni 3 ignores and whose
/// labels are the same as Patroni 3's.
pub fn patroni_series(postgres_version: i32) -> PatroniSeries {
    built(postgres_version).map_or(PatroniSeries::V4_1, |b| b.patroni)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_built_major_has_the_patroni_of_its_suite() {
        assert_eq!(built_versions(), [15, 17, 18]);
        assert_eq!(patroni_series(15), PatroniSeries::V3_0);
        assert_eq!(patroni_series(17), PatroniSeries::V4_0);
        assert_eq!(patroni_series(18), PatroniSeries::V4_1);
        assert!(!patroni_series(15).says_primary());
        assert!(patroni_series(17).says_primary());
        // With spec.image only: the newest configuration.
        assert_eq!(patroni_series(16), PatroniSeries::V4_1);
        assert!(built(16).is_none());
    }

    #[test]
    fn recipes_are_oldest_first_and_unique() {
        let v = built_versions();
        assert!(v.windows(2).all(|w| w[0] < w[1]), "{v:?}");
    }
}
