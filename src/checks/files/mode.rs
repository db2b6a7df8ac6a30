//! `files.mode`: permission bits (at most N), owner, file-or-directory, presence.

use super::{no_env_files, select, validate_selector, Selected};
use crate::checks::{Judgement, Kind};
use crate::facts::error::FactError;
use crate::facts::files::owner::{self, ExpectedOwner};
use crate::facts::files::stat;
use crate::facts::Facts;
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};
use std::fs::FileType;
use std::os::unix::fs::{FileTypeExt, MetadataExt};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EntryType {
    #[default]
    Any,
    File,
    Dir,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesMode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
    /// Octal, as a string: "0600". Bits beyond it fail the check.
    pub max_mode: Mode,
    /// A missing required path fails; a missing optional one is skipped.
    #[serde(default)]
    pub required: bool,
    #[serde(default, rename = "type")]
    pub entry_type: EntryType,
    /// User name or numeric uid the path must belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Permission bits plus setuid, setgid and sticky.
const ALL_MODE_BITS: u32 = 0o7777;
const WORLD_WRITABLE: u32 = 0o002;

/// Permission bits, written in profiles as an octal string (`"0600"`) and checked when the
/// profile loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode(pub u32);

impl Serialize for Mode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{:04o}", self.0))
    }
}

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_mode(&text)
            .map(Mode)
            .map_err(serde::de::Error::custom)
    }
}

/// `"0600"`, `"600"` or `"0o600"` to its bits.
pub(crate) fn parse_mode(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return Err(format!(
            "`max_mode` {text:?} is not an octal mode like \"0600\""
        ));
    }
    let mode = u32::from_str_radix(digits, 8)
        .map_err(|_| format!("`max_mode` {text:?} is not an octal mode like \"0600\""))?;
    if mode > ALL_MODE_BITS {
        return Err(format!("`max_mode` {text:?} is above 07777"));
    }
    Ok(mode)
}

impl FilesMode {
    fn validate_params(&self) -> Result<(), String> {
        validate_selector(self.path.as_deref(), self.env_files)?;
        if let Some(owner) = &self.owner {
            if owner.is_empty() || owner.contains([':', ' ', '\t', '\n']) {
                return Err(format!(
                    "`owner` {owner:?} is not a user name or numeric uid"
                ));
            }
        }
        Ok(())
    }

    fn observe(&self, facts: &Facts) -> Vec<Observation> {
        let max = self.max_mode.0;
        let users = owner::system();
        let expected_owner = self.owner.as_deref().map(|o| owner::resolve(o, users));
        let selected = select(facts, self.path.as_deref(), self.env_files);
        if selected.is_empty() {
            return vec![no_env_files()];
        }
        selected
            .iter()
            .map(|s| self.examine(facts, s, max, expected_owner.as_ref(), users))
            .collect()
    }

    fn expected(&self, max: u32, owner: Option<&ExpectedOwner>) -> String {
        let mut parts = vec![format!("mode ≤ {max:04o}")];
        match self.entry_type {
            EntryType::File => parts.push("a regular file".into()),
            EntryType::Dir => parts.push("a directory".into()),
            EntryType::Any => {}
        }
        if let Some(o) = owner {
            parts.push(format!("owned by {}", o.label));
        }
        parts.join(", ")
    }

    fn examine(
        &self,
        facts: &Facts,
        sel: &Selected,
        max: u32,
        expected_owner: Option<&Result<ExpectedOwner, FactError>>,
        users: Result<&owner::Passwd, &FactError>,
    ) -> Observation {
        let subject = sel.subject.as_str();
        let path = match &sel.path {
            Ok(p) => p,
            Err(reason) => return Observation::skip(subject, reason.clone()),
        };
        let owner = match expected_owner {
            Some(Err(e)) => return Observation::error(subject, format!("cannot check owner: {e}")),
            Some(Ok(o)) => Some(o),
            None => None,
        };
        let expected = self.expected(max, owner);
        let required = sel.required.unwrap_or(self.required);
        let (meta, link_note) = match facts.files().entry(path, subject) {
            Ok(stat::Entry::Present { meta, link_note }) => (meta, link_note),
            Ok(stat::Entry::Missing { what }) => {
                return if required {
                    Observation::fail(subject, format!("{what}; it is required"))
                        .expected(expected)
                        .actual("missing")
                } else {
                    Observation::skip(subject, what)
                };
            }
            Err(e) => return Observation::error(subject, e.to_string()),
        };

        let perm = meta.mode() & ALL_MODE_BITS;
        let mut problems = Vec::new();
        if let Some(p) = type_problem(self.entry_type, meta.file_type()) {
            problems.push(p);
        }
        let excess = perm & !max;
        if excess != 0 {
            problems.push(mode_problem(perm, excess, max, meta.is_dir()));
        }
        let mut actual = format!("{perm:04o} ({})", symbolic(meta.file_type(), perm));
        if let Some(o) = owner {
            let uid = meta.uid();
            let found = owner::describe_uid(uid, users);
            if uid != o.uid {
                problems.push(format!("owned by {found}; {} expected", o.label));
            }
            actual.push_str(&format!(", owner {found}"));
        }

        let mut message: Vec<String> = link_note.into_iter().collect();
        let observation = if problems.is_empty() {
            message.push(format!("mode {perm:04o} is within {max:04o}"));
            if let Some(o) = owner {
                message.push(format!("owned by {}", o.label));
            }
            Observation::pass(subject, message.join("; "))
        } else {
            message.extend(problems);
            Observation::fail(subject, message.join("; "))
        };
        observation.expected(expected).actual(actual)
    }
}

impl Kind for FilesMode {
    const TAG: &'static str = "files.mode";
    const CATEGORY: Category = Category::Files;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.observe(facts))
    }
}

fn type_name(ft: FileType) -> &'static str {
    if ft.is_file() {
        "a regular file"
    } else if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

fn type_problem(want: EntryType, ft: FileType) -> Option<String> {
    let ok = match want {
        EntryType::Any => true,
        EntryType::File => ft.is_file(),
        EntryType::Dir => ft.is_dir(),
    };
    if ok {
        return None;
    }
    let wanted = if want == EntryType::Dir {
        "a directory"
    } else {
        "a regular file"
    };
    Some(format!("is {}; {wanted} expected", type_name(ft)))
}

/// `mode 0644: readable by group and others; at most 0600 expected`
fn mode_problem(perm: u32, excess: u32, max: u32, is_dir: bool) -> String {
    let mut parts = Vec::new();
    if excess & WORLD_WRITABLE != 0 {
        parts.push("world-writable: any user on the host can change it".to_string());
    }
    parts.extend(describe_excess(excess, is_dir));
    format!(
        "mode {perm:04o}: {}; at most {max:04o} expected",
        parts.join("; ")
    )
}

/// Names the bits beyond the maximum by who gains what, merging verbs that apply to the same
/// classes: 0o066 reads "readable and writable by group and others".
fn describe_excess(excess: u32, is_dir: bool) -> Vec<String> {
    const CLASSES: [(&str, u32); 3] = [("the owner", 6), ("group", 3), ("others", 0)];
    let verbs: [(&str, u32); 3] = if is_dir {
        [("listable", 4), ("writable", 2), ("searchable", 1)]
    } else {
        [("readable", 4), ("writable", 2), ("executable", 1)]
    };
    let mut groups: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
    for (verb, bit) in verbs {
        let who: Vec<&str> = CLASSES
            .iter()
            .filter(|(_, shift)| excess & (bit << shift) != 0)
            .map(|(name, _)| *name)
            .collect();
        if who.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(w, _)| *w == who) {
            Some((_, vs)) => vs.push(verb),
            None => groups.push((who, vec![verb])),
        }
    }
    let mut out: Vec<String> = groups
        .into_iter()
        .map(|(who, verbs)| format!("{} by {}", join_and(&verbs), join_and(&who)))
        .collect();
    for (bit, name) in [
        (0o4000, "setuid bit set"),
        (0o2000, "setgid bit set"),
        (0o1000, "sticky bit set"),
    ] {
        if excess & bit != 0 {
            out.push(name.to_string());
        }
    }
    out
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `-rw-r--r--`, as `ls -l` prints it.
fn symbolic(ft: FileType, perm: u32) -> String {
    let kind = if ft.is_dir() {
        'd'
    } else if ft.is_symlink() {
        'l'
    } else if ft.is_fifo() {
        'p'
    } else if ft.is_socket() {
        's'
    } else if ft.is_block_device() {
        'b'
    } else if ft.is_char_device() {
        'c'
    } else {
        '-'
    };
    let mut s = String::with_capacity(10);
    s.push(kind);
    let specials = [(0o4000, 's'), (0o2000, 's'), (0o1000, 't')];
    for (i, (special, mark)) in specials.iter().enumerate() {
        let shift = 6 - 3 * i as u32;
        let bits = (perm >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let exec = bits & 1 != 0;
        s.push(match (perm & special != 0, exec) {
            (true, true) => *mark,
            (true, false) => mark.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, write};
    use super::*;
    use crate::finding::Status;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn check(path: &str, max: &str) -> FilesMode {
        FilesMode {
            path: Some(path.into()),
            env_files: false,
            max_mode: Mode(parse_mode(max).unwrap()),
            required: true,
            entry_type: EntryType::Any,
            owner: None,
        }
    }

    fn one(c: &FilesMode, root: &Path) -> Observation {
        c.validate().unwrap();
        let mut obs = c.evaluate(&testutil::ctx(root));
        assert_eq!(obs.len(), 1, "{obs:?}");
        obs.remove(0)
    }

    fn chmod(p: &Path, mode: u32) {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn validate_checks_mode_selector_and_owner() {
        let mode = |text: &str| {
            crate::checks::CheckKind::from_toml(&format!(
                "kind = \"files.mode\"\npath = \".env\"\nmax_mode = \"{text}\""
            ))
        };
        for good in ["0600", "600", "0o600"] {
            assert!(mode(good).is_ok(), "{good}");
        }
        for bad in ["0680", "17777", "rw", ""] {
            let e = mode(bad).unwrap_err();
            assert!(e.contains("max_mode"), "{bad}: {e}");
        }
        assert!(check(".env", "0600").validate().is_ok());
        let mut both = check(".env", "0600");
        both.env_files = true;
        assert!(both.validate().is_err());
        let mut bad_owner = check(".env", "0600");
        bad_owner.owner = Some("a:b".into());
        assert!(bad_owner.validate().is_err());
    }

    #[test]
    fn mode_within_maximum_passes() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".env", 0o600);
        let o = one(&check(".env", "0600"), dir.path());
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert_eq!(o.actual, "0600 (-rw-------)");
        assert_eq!(o.expected, "mode ≤ 0600");
        write(dir.path(), "stricter", 0o400);
        assert_eq!(
            one(&check("stricter", "0600"), dir.path()).status,
            Status::Pass
        );
    }

    #[test]
    fn group_and_world_readable_fails_with_explanation() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".env", 0o644);
        let o = one(&check(".env", "0600"), dir.path());
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "mode 0644: readable by group and others; at most 0600 expected"
        );
        assert_eq!(o.actual, "0644 (-rw-r--r--)");
        assert!(o.subject.ends_with(".env"));
        assert!(!format!("{o:?}").contains("hunter2"));
    }

    #[test]
    fn world_writable_is_flagged_explicitly() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "f", 0o666);
        let o = one(&check("f", "0600"), dir.path());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("world-writable"), "{}", o.message);
        assert!(
            o.message
                .contains("readable and writable by group and others"),
            "{}",
            o.message
        );
        // A maximum that allows it (a shared drop directory) passes.
        assert_eq!(one(&check("f", "0666"), dir.path()).status, Status::Pass);
    }

    #[test]
    fn describes_mixed_and_special_bits() {
        assert_eq!(
            describe_excess(0o064, false),
            vec!["readable by group and others", "writable by group"]
        );
        assert_eq!(
            describe_excess(0o4100, false),
            vec!["executable by the owner", "setuid bit set"]
        );
        assert_eq!(
            describe_excess(0o055, true),
            vec!["listable and searchable by group and others"]
        );
        assert_eq!(
            symbolic(fs::metadata("/").unwrap().file_type(), 0o1777),
            "drwxrwxrwt"
        );
    }

    #[test]
    fn directory_modes_and_type_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir(&data).unwrap();
        chmod(&data, 0o755);
        let mut c = check("data", "0700");
        c.entry_type = EntryType::Dir;
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.actual, "0755 (drwxr-xr-x)");
        assert!(o
            .message
            .contains("listable and searchable by group and others"));
        chmod(&data, 0o700);
        assert_eq!(one(&c, dir.path()).status, Status::Pass);

        c.entry_type = EntryType::File;
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("is a directory; a regular file expected"),
            "{}",
            o.message
        );
        assert_eq!(o.expected, "mode ≤ 0700, a regular file");
    }

    #[test]
    fn missing_required_fails_and_optional_skips() {
        let dir = tempfile::tempdir().unwrap();
        let o = one(&check("data/api-keys.json", "0600"), dir.path());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("not present"));
        let mut optional = check("data/api-keys.json", "0600");
        optional.required = false;
        let o = one(&optional, dir.path());
        assert_eq!(
            (o.status, o.message.as_str()),
            (Status::Skip, "not present")
        );
        // A parent that is a file is also "not present", not an error.
        write(dir.path(), "data", 0o600);
        assert_eq!(one(&optional, dir.path()).status, Status::Skip);
    }

    #[test]
    fn symlink_is_named_and_its_target_mode_counts() {
        let dir = tempfile::tempdir().unwrap();
        let real = write(dir.path(), "real.env", 0o644);
        std::os::unix::fs::symlink(&real, dir.path().join(".env")).unwrap();
        let o = one(&check(".env", "0600"), dir.path());
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o
            .message
            .starts_with(&format!("symlink to {}", real.display())));
        assert!(o.message.contains("mode 0644"));
        chmod(&real, 0o600);
        let o = one(&check(".env", "0600"), dir.path());
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("symlink to"));

        std::os::unix::fs::symlink("nowhere", dir.path().join("dangling")).unwrap();
        let o = one(&check("dangling", "0600"), dir.path());
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("dangling symlink to nowhere"),
            "{}",
            o.message
        );
        let mut optional = check("dangling", "0600");
        optional.required = false;
        assert_eq!(one(&optional, dir.path()).status, Status::Skip);
    }

    #[test]
    fn owner_is_compared_by_uid() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), ".env", 0o600);
        let my_uid = fs::metadata(&p).unwrap().uid();
        let mut c = check(".env", "0600");

        c.owner = Some(my_uid.to_string());
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.actual.contains(&format!("uid {my_uid}")));

        let other = if my_uid == 0 { 4242 } else { 0 };
        c.owner = Some(other.to_string());
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Fail);
        let found = owner::describe_uid(my_uid, owner::system());
        let wanted = owner::describe_uid(other, owner::system());
        assert_eq!(o.message, format!("owned by {found}; {wanted} expected"));
        assert!(
            o.expected.ends_with(&format!("owned by {wanted}")),
            "{}",
            o.expected
        );

        // Names come from /etc/passwd: root always exists there.
        c.owner = Some("root".into());
        let expected = if my_uid == 0 {
            Status::Pass
        } else {
            Status::Fail
        };
        assert_eq!(one(&c, dir.path()).status, expected);

        c.owner = Some("no-such-user-rampart".into());
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Error);
        assert!(o.message.contains("no-such-user-rampart"), "{}", o.message);
    }

    #[test]
    fn env_files_use_each_files_required_flag() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".env", 0o640);
        let ctx = testutil::ctx_with_env(
            root,
            vec![
                testutil::env_spec(root, ".env", true),
                testutil::env_spec(root, ".env.prod", true),
                testutil::env_spec(root, ".env.qa", false),
            ],
        );
        let c = FilesMode {
            path: None,
            env_files: true,
            max_mode: Mode(0o600),
            required: false,
            entry_type: EntryType::File,
            owner: None,
        };
        c.validate().unwrap();
        let statuses: Vec<Status> = c.evaluate(&ctx).iter().map(|o| o.status).collect();
        assert_eq!(statuses, vec![Status::Fail, Status::Fail, Status::Skip]);

        let none = c.evaluate(&testutil::ctx(root));
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].status, Status::Skip);
    }

    #[test]
    fn unresolvable_variable_skips_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let o = one(&check("${STATE_ROOT_DIR}", "0700"), dir.path());
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("STATE_ROOT_DIR"), "{}", o.message);
    }

    #[test]
    fn unreadable_directory_is_an_error_naming_the_path() {
        // Root reads through any mode, so the case only exists for other users.
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        fs::create_dir(&locked).unwrap();
        write(dir.path(), "locked/.env", 0o600);
        chmod(&locked, 0o000);
        let denied = fs::symlink_metadata(locked.join(".env")).is_err();
        let o = one(&check("locked/.env", "0600"), dir.path());
        chmod(&locked, 0o700);
        if denied {
            assert_eq!(o.status, Status::Error, "{o:?}");
            assert!(o.message.contains("permission denied"));
            assert!(o.message.contains("locked/.env"));
        } else {
            assert_eq!(o.status, Status::Pass);
        }
    }
}
