//! User names and uids from `/etc/passwd`, so `owner = "koda"` can be compared with a file's
//! uid without linking against libc's NSS. Users only known to LDAP/NSS can be given as a uid.

use crate::facts::error::FactError;
use std::path::Path;
use std::sync::OnceLock;

const PASSWD: &str = "/etc/passwd";
/// Far above any real passwd file; keeps a hostile or corrupt one from exhausting memory.
const MAX_BYTES: usize = 4 * 1024 * 1024;
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Passwd {
    entries: Vec<(String, u32)>,
}

impl Passwd {
    pub fn parse(text: &str) -> Passwd {
        let entries = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let _password = fields.next()?;
                let uid = fields.next()?.parse::<u32>().ok()?;
                (!name.is_empty()).then(|| (name.to_string(), uid))
            })
            .take(MAX_ENTRIES)
            .collect();
        Passwd { entries }
    }

    pub fn load(path: &Path) -> Result<Passwd, FactError> {
        let bytes = crate::read::read_bounded(path, MAX_BYTES)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(Passwd::parse(&String::from_utf8_lossy(&bytes)))
    }

    pub fn uid_of(&self, name: &str) -> Option<u32> {
        self.entries.iter().find(|(n, _)| n == name).map(|e| e.1)
    }

    pub fn name_of(&self, uid: u32) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, u)| *u == uid)
            .map(|e| e.0.as_str())
    }
}

/// The host's users, read once per process.
pub fn system() -> Result<&'static Passwd, &'static FactError> {
    static SYSTEM: OnceLock<Result<Passwd, FactError>> = OnceLock::new();
    SYSTEM
        .get_or_init(|| Passwd::load(Path::new(PASSWD)))
        .as_ref()
}

/// The owner a check expects, resolved to a uid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedOwner {
    pub uid: u32,
    /// How to name it in findings: `koda (uid 1001)` or `uid 1001`.
    pub label: String,
}

/// `spec` is a user name or a numeric uid.
pub fn resolve(spec: &str, users: Result<&Passwd, &FactError>) -> Result<ExpectedOwner, FactError> {
    if let Ok(uid) = spec.parse::<u32>() {
        let label = match users.ok().and_then(|u| u.name_of(uid)) {
            Some(name) => format!("{name} (uid {uid})"),
            None => format!("uid {uid}"),
        };
        return Ok(ExpectedOwner { uid, label });
    }
    let users = users.map_err(|e| format!("cannot look up user {spec:?}: {e}"))?;
    let uid = users.uid_of(spec).ok_or_else(|| {
        format!("user {spec:?} is not in {PASSWD}; give the owner as a numeric uid")
    })?;
    Ok(ExpectedOwner {
        uid,
        label: format!("{spec} (uid {uid})"),
    })
}

/// `root (uid 0)`, or `uid 4242` for a uid without a passwd entry.
pub fn describe_uid(uid: u32, users: Result<&Passwd, &FactError>) -> String {
    match users.ok().and_then(|u| u.name_of(uid)) {
        Some(name) => format!("{name} (uid {uid})"),
        None => format!("uid {uid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "root:x:0:0:root:/root:/bin/bash\n\
                          # a comment\n\
                          broken line\n\
                          koda:x:1001:1001::/home/koda:/bin/sh\n";

    #[test]
    fn resolves_names_and_uids() {
        let p = Passwd::parse(SAMPLE);
        assert_eq!(p.uid_of("koda"), Some(1001));
        assert_eq!(p.uid_of("nobody-here"), None);
        assert_eq!(p.name_of(0), Some("root"));
        let o = resolve("koda", Ok(&p)).unwrap();
        assert_eq!((o.uid, o.label.as_str()), (1001, "koda (uid 1001)"));
        let o = resolve("4242", Ok(&p)).unwrap();
        assert_eq!((o.uid, o.label.as_str()), (4242, "uid 4242"));
        let err = resolve("ghost", Ok(&p)).unwrap_err().to_string();
        assert!(
            err.contains("ghost") && err.contains("numeric uid"),
            "{err}"
        );
        assert!(resolve("koda", Err(&FactError::System("unreadable".into()))).is_err());
        assert_eq!(describe_uid(1001, Ok(&p)), "koda (uid 1001)");
    }
}
