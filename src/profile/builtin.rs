//! Built-in profiles and check sets, embedded in the binary at build time.

pub struct Embedded {
    pub name: &'static str,
    /// Repository path, used in error messages and `profiles show`.
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! embed {
    ($dir:literal, $($name:literal),* $(,)?) => {
        &[$(Embedded {
            name: $name,
            path: concat!($dir, "/", $name, ".toml"),
            text: include_str!(concat!("../../", $dir, "/", $name, ".toml")),
        }),*]
    };
}

pub const PROFILES: &[Embedded] = embed!(
    "profiles",
    "baseline",
    "omnidev",
    "cliproxyapi",
    "rediflow",
    "ocmt",
    "koda",
);

pub const CHECK_SETS: &[Embedded] =
    embed!("checks", "tls", "certificate", "secrets", "exposure", "dns");

pub fn profile(name: &str) -> Option<&'static Embedded> {
    PROFILES.iter().find(|p| p.name == name)
}

pub fn check_set(name: &str) -> Option<&'static Embedded> {
    CHECK_SETS.iter().find(|p| p.name == name)
}
