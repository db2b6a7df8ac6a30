//! What a check kind is: a parameter type read from a profile's `[[check]]` table, the
//! category it reports under, the network facts it reads, and a pure judgement over facts.
//!
//! Kinds are listed once, in [`kinds!`](crate::kinds) in `checks/mod.rs`; the macro builds
//! the [`CheckKind`](super::CheckKind) enum and every dispatch from that one list.

use crate::facts::{Facts, Need, Unavailable};
use crate::finding::{Category, Observation};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// A judge's verdict: observations about what it examined, or the fact it could not have
/// (which the engine reports as `skip` or `error`, the same way for every kind).
pub type Judgement = Result<Vec<Observation>, Unavailable>;

pub trait Kind: Serialize + DeserializeOwned + Clone + Debug + PartialEq + Send + Sync {
    /// The `kind = "..."` value in profiles, e.g. `tls.legacy-versions`.
    const TAG: &'static str;
    /// The category findings go under unless the check says otherwise.
    const CATEGORY: Category;

    /// Network facts to gather (all kinds' at once, concurrently) before judging. Local facts
    /// are read on first use and need no declaration. Forgetting one only costs overlap: a
    /// fact read without being asked for is still gathered, alone.
    fn needs(&self) -> Vec<Need> {
        Vec::new()
    }

    /// Rules serde cannot express (ranges, non-empty lists, one-of pairs), checked when the
    /// profile loads; the message is shown at the check's position in its file.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// Env file roles the parameters name, with the key naming each (`("file", "agent")`),
    /// so a typo is a profile error at that key.
    fn env_roles(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    /// Pure: reads facts, never the file system or the network.
    fn judge(&self, facts: &Facts) -> Judgement;

    /// The judgement as the report shows it: an unavailable fact becomes one observation.
    fn evaluate(&self, facts: &Facts) -> Vec<Observation> {
        match self.judge(facts) {
            Ok(observations) => observations,
            Err(unavailable) => vec![unavailable.into_observation()],
        }
    }
}

/// For kinds that take no parameters; still rejects unknown keys.
#[macro_export]
macro_rules! no_params_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {}
    };
}

/// Declares every check kind once: `Variant => path::ToParams,`. Builds [`CheckKind`] with
/// its tag lookup, (de)serialization and dispatch to each kind's [`Kind`] implementation.
#[macro_export]
macro_rules! kinds {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        /// A check's kind with its typed parameters.
        #[derive(Debug, Clone, PartialEq)]
        pub enum CheckKind {
            $($variant($ty)),*
        }

        impl CheckKind {
            /// Every registered tag, in declaration order.
            pub const TAGS: &'static [&'static str] = &[$(<$ty as $crate::checks::kind::Kind>::TAG),*];

            pub fn tag(&self) -> &'static str {
                match self {
                    $(CheckKind::$variant(_) => <$ty as $crate::checks::kind::Kind>::TAG),*
                }
            }

            pub fn default_category(&self) -> $crate::finding::Category {
                match self {
                    $(CheckKind::$variant(_) => <$ty as $crate::checks::kind::Kind>::CATEGORY),*
                }
            }

            pub fn needs(&self) -> Vec<$crate::facts::Need> {
                match self {
                    $(CheckKind::$variant(k) => $crate::checks::kind::Kind::needs(k)),*
                }
            }

            pub fn validate(&self) -> Result<(), String> {
                match self {
                    $(CheckKind::$variant(k) => $crate::checks::kind::Kind::validate(k)),*
                }
            }

            pub fn env_roles(&self) -> Vec<(&'static str, &str)> {
                match self {
                    $(CheckKind::$variant(k) => $crate::checks::kind::Kind::env_roles(k)),*
                }
            }

            pub fn judge(&self, facts: &$crate::facts::Facts) -> $crate::checks::kind::Judgement {
                match self {
                    $(CheckKind::$variant(k) => $crate::checks::kind::Kind::judge(k, facts)),*
                }
            }

            /// The judgement as the report shows it (see [`Kind::evaluate`]).
            pub fn evaluate(&self, facts: &$crate::facts::Facts) -> Vec<$crate::finding::Observation> {
                match self {
                    $(CheckKind::$variant(k) => $crate::checks::kind::Kind::evaluate(k, facts)),*
                }
            }

            /// Reads the parameters of the kind tagged `tag`; `None` when no kind has it.
            pub fn deserialize_tagged<'de, D: serde::Deserializer<'de>>(
                tag: &str,
                params: D,
            ) -> Option<Result<CheckKind, D::Error>> {
                $(
                    if tag == <$ty as $crate::checks::kind::Kind>::TAG {
                        return Some(
                            <$ty as serde::Deserialize>::deserialize(params).map(CheckKind::$variant),
                        );
                    }
                )*
                None
            }

            /// The parameters as a TOML table (for `profiles show`), without `kind`.
            pub fn params_table(&self) -> Result<toml::Table, toml::ser::Error> {
                match self {
                    $(CheckKind::$variant(k) => toml::Table::try_from(k)),*
                }
            }
        }
    };
}
