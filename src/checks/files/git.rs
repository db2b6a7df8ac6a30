//! `files.git`: a sensitive path is neither tracked by git nor left un-ignored.
//!
//! Git is asked as few times as possible: one `rev-parse` per distinct directory, then per
//! repository one `ls-files` and (when needed) one `check-ignore` for all of the check's paths.

use super::{no_env_files, select, validate_selector};
use crate::checks::{Judgement, Kind};
use crate::facts::files::git::Tracked;
use crate::facts::Facts;
use crate::finding::{Category, Observation, Status};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesGit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
    /// Also require a matching `.gitignore` rule (`git check-ignore`).
    #[serde(default = "yes")]
    pub must_be_ignored: bool,
}

fn yes() -> bool {
    true
}

/// A path placed in its repository.
struct Located {
    /// The selected path this one reports under (a link and its target share one).
    index: usize,
    subject: String,
    /// Relative to the work tree's top, as git names it.
    rel: PathBuf,
    present: bool,
}

/// Where a link points, for judging the target as well: `None` when `path` is no symlink.
fn link_target(path: &Path) -> Option<Result<PathBuf, String>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    Some(std::fs::canonicalize(path).map_err(|e| format!("cannot follow the link: {e}")))
}

impl FilesGit {
    fn validate_params(&self) -> Result<(), String> {
        validate_selector(self.path.as_deref(), self.env_files)
    }

    fn observe(&self, facts: &Facts) -> Vec<Observation> {
        let selected = select(facts, self.path.as_deref(), self.env_files);
        if selected.is_empty() {
            return vec![no_env_files()];
        }
        let mut out: Vec<Vec<Observation>> = vec![Vec::new(); selected.len()];
        let mut repos: BTreeMap<PathBuf, Vec<Located>> = BTreeMap::new();
        for (index, sel) in selected.iter().enumerate() {
            let path = match &sel.path {
                Ok(p) => p,
                Err(reason) => {
                    out[index].push(Observation::skip(sel.subject.clone(), reason.clone()));
                    continue;
                }
            };
            // A symlinked `.env` keeps its secret in the target: judge both.
            let mut paths = vec![(path.clone(), sel.subject.clone())];
            match link_target(path) {
                Some(Ok(target)) => {
                    let subject = format!("{} -> {}", sel.subject, target.display());
                    paths.push((target, subject));
                }
                Some(Err(reason)) => out[index].push(Observation::error(
                    format!("{} (symlink)", sel.subject),
                    reason,
                )),
                None => {}
            }
            for (path, subject) in paths {
                match facts.files().git_place(&path, &subject) {
                    Ok(place) => repos.entry(place.top).or_default().push(Located {
                        index,
                        subject,
                        rel: place.rel,
                        present: place.present,
                    }),
                    Err(unavailable) => out[index].push(unavailable.into_observation()),
                }
            }
        }
        for (top, items) in &repos {
            for (index, obs) in self.judge_repo(facts, top, items) {
                out[index].push(obs);
            }
        }
        out.into_iter().flatten().collect()
    }

    fn expected(&self) -> &'static str {
        if self.must_be_ignored {
            "not tracked by git, never committed, matched by .gitignore"
        } else {
            "not tracked by git, never committed"
        }
    }

    /// One observation per path of one repository.
    fn judge_repo(
        &self,
        facts: &Facts,
        top: &Path,
        items: &[Located],
    ) -> Vec<(usize, Observation)> {
        let rels: Vec<&OsStr> = items.iter().map(|i| i.rel.as_os_str()).collect();
        let tracked = match facts.files().git_tracked(top, &rels) {
            Ok(t) => t,
            Err(e) => return all_error(items, &e.to_string()),
        };
        let tracked_under = |rel: &Path| -> Vec<&Tracked> {
            tracked.iter().filter(|t| t.path.starts_with(rel)).collect()
        };
        // Content tracked at or under the path: a committed symlink holds only the link text.
        let content_under = |rel: &Path| -> Vec<&PathBuf> {
            tracked_under(rel)
                .into_iter()
                .filter(|t| !t.symlink)
                .map(|t| &t.path)
                .collect()
        };

        let to_ask: Vec<&OsStr> = items
            .iter()
            .filter(|i| self.must_be_ignored && i.present && tracked_under(&i.rel).is_empty())
            .map(|i| i.rel.as_os_str())
            .collect();
        let ignored = if to_ask.is_empty() {
            HashMap::new()
        } else {
            match facts.files().git_ignored(top, &to_ask) {
                Ok(m) => m,
                Err(e) => return all_error(items, &e.to_string()),
            }
        };

        items
            .iter()
            .map(|item| {
                let content = content_under(&item.rel);
                let link_only = content.is_empty() && !tracked_under(&item.rel).is_empty();
                // Only present, untracked content can hide in the history unnoticed.
                let history = if content.is_empty() && item.present && !link_only {
                    match facts.files().git_history(top, item.rel.as_os_str()) {
                        Ok(commit) => commit,
                        Err(e) => {
                            return (item.index, Observation::error(&item.subject, e.to_string()))
                        }
                    }
                } else {
                    None
                };
                let obs = self.judge(top, item, &content, link_only, history, &ignored);
                let obs = if obs.status == Status::Skip {
                    obs
                } else {
                    obs.expected(self.expected())
                };
                (item.index, obs)
            })
            .collect()
    }

    fn judge(
        &self,
        top: &Path,
        item: &Located,
        tracked: &[&PathBuf],
        link_only: bool,
        history: Option<String>,
        ignored: &HashMap<PathBuf, String>,
    ) -> Observation {
        let subject = item.subject.as_str();
        if let Some(first) = tracked.first() {
            let deleted = if item.present {
                ""
            } else {
                " (deleted from the work tree, still in the index)"
            };
            let what = if **first == item.rel {
                format!("tracked by git{deleted}")
            } else {
                format!(
                    "{} tracked file(s) under it in git, e.g. {}{deleted}",
                    tracked.len(),
                    first.display()
                )
            };
            return Observation::fail(
                subject,
                format!(
                    "{what}: the secret is in the repository history; remove with \
                     git rm --cached and rotate"
                ),
            )
            .actual(format!("tracked in {}", top.display()));
        }
        if link_only {
            return Observation::pass(
                subject,
                "tracked as a symlink: git holds only the link text, not the content it \
                 points at (the target is judged on its own)",
            )
            .actual("symlink tracked");
        }
        if !item.present {
            return Observation::skip(subject, "not present and not tracked by git");
        }
        if let Some(commit) = history {
            let short: String = commit.chars().take(12).collect();
            return Observation::fail(
                subject,
                format!(
                    "untracked now, but it was committed before (commit {short}): its content \
                     is still in the repository history, readable by anyone with a clone; \
                     rotate every secret it held (and purge it from the history)"
                ),
            )
            .actual(format!("in the history of {}", top.display()));
        }
        if !self.must_be_ignored {
            return Observation::pass(subject, "not tracked by git, never committed")
                .actual("untracked");
        }
        match ignored.get(&item.rel) {
            Some(rule) => Observation::pass(
                subject,
                format!("not tracked by git, never committed; ignored by {rule}"),
            )
            .actual("untracked, ignored"),
            None => Observation::fail(
                subject,
                "not in .gitignore: one `git add .` away from being committed",
            )
            .actual(format!("untracked, not ignored in {}", top.display())),
        }
    }
}

impl Kind for FilesGit {
    const TAG: &'static str = "files.git";
    const CATEGORY: Category = Category::Files;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.observe(facts))
    }
}

fn all_error(items: &[Located], message: &str) -> Vec<(usize, Observation)> {
    items
        .iter()
        .map(|i| (i.index, Observation::error(i.subject.clone(), message)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, write};
    use super::*;
    use std::process::Command;
    use std::time::Instant;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git must be installed for these tests");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        dir
    }

    fn check(path: &str) -> FilesGit {
        FilesGit {
            path: Some(path.into()),
            env_files: false,
            must_be_ignored: true,
        }
    }

    fn one(c: &FilesGit, root: &Path) -> Observation {
        c.validate().unwrap();
        let mut obs = c.evaluate(&testutil::ctx(root));
        assert_eq!(obs.len(), 1, "{obs:?}");
        obs.remove(0)
    }

    #[test]
    fn tracked_file_fails_even_after_deletion_from_the_work_tree() {
        let dir = repo();
        let root = dir.path();
        write(root, ".env", 0o600);
        git(root, &["add", ".env"]);
        git(root, &["commit", "-q", "-m", "oops"]);
        let o = one(&check(".env"), root);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.message.starts_with("tracked by git:"), "{}", o.message);
        assert!(o.message.contains("git rm --cached"));
        assert!(!format!("{o:?}").contains("hunter2"));

        std::fs::remove_file(root.join(".env")).unwrap();
        let o = one(&check(".env"), root);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("still in the index"), "{}", o.message);
    }

    #[test]
    fn untracked_file_must_be_ignored() {
        let dir = repo();
        let root = dir.path();
        write(root, ".env", 0o600);
        let o = one(&check(".env"), root);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.message.contains("not in .gitignore"), "{}", o.message);

        let lenient = FilesGit {
            must_be_ignored: false,
            ..check(".env")
        };
        assert_eq!(one(&lenient, root).status, Status::Pass);

        std::fs::write(root.join(".gitignore"), "# secrets\n.env\n").unwrap();
        let o = one(&check(".env"), root);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.message.contains(".gitignore:2 (.env)"), "{}", o.message);
    }

    #[test]
    fn negated_rule_does_not_count_as_ignored() {
        let dir = repo();
        let root = dir.path();
        write(root, ".env", 0o600);
        std::fs::write(root.join(".gitignore"), ".env*\n!.env\n").unwrap();
        assert_eq!(one(&check(".env"), root).status, Status::Fail);
    }

    #[test]
    fn directories_and_nested_paths() {
        let dir = repo();
        let root = dir.path();
        write(root, "data/ralph.db", 0o600);
        std::fs::write(root.join(".gitignore"), "data/\n").unwrap();
        assert_eq!(one(&check("data"), root).status, Status::Pass);
        let o = one(&check("data/ralph.db"), root);
        assert_eq!(o.status, Status::Pass, "{o:?}");

        // Force-added despite the rule: tracked wins over ignored.
        git(root, &["add", "-f", "data/ralph.db"]);
        let o = one(&check("data"), root);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.message.contains("data/ralph.db"), "{}", o.message);
        assert_eq!(one(&check("data/ralph.db"), root).status, Status::Fail);
    }

    #[test]
    fn file_names_with_pattern_characters_and_spaces_are_literal() {
        let dir = repo();
        let root = dir.path();
        write(root, "s*.env", 0o600);
        write(root, "secret.env", 0o600);
        write(root, "my kéy[1].pem", 0o600);
        std::fs::write(root.join(".gitignore"), "my kéy\\[1\\].pem\n").unwrap();
        git(root, &["add", "secret.env"]);
        // `*` must not match the tracked secret.env.
        let o = one(&check("s*.env"), root);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o.message.contains("not in .gitignore"), "{}", o.message);
        let o = one(&check("my kéy[1].pem"), root);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        git(root, &["add", "-f", "my kéy[1].pem"]);
        assert_eq!(one(&check("my kéy[1].pem"), root).status, Status::Fail);
    }

    #[test]
    fn missing_untracked_path_is_skipped() {
        let dir = repo();
        let o = one(&check("data/api-keys.json"), dir.path());
        assert_eq!(o.status, Status::Skip, "{o:?}");
    }

    #[test]
    fn outside_a_repository_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".env", 0o600);
        let o = one(&check(".env"), dir.path());
        assert_eq!(
            (o.status, o.message.as_str()),
            (Status::Skip, "not inside a git work tree")
        );
        // An absolute path elsewhere, while the root itself is a repository.
        let repo_dir = repo();
        let outside = dir.path().join(".env");
        let o = one(&check(&outside.display().to_string()), repo_dir.path());
        assert_eq!(o.status, Status::Skip);
    }

    #[test]
    fn root_in_a_subdirectory_of_the_repository() {
        let dir = repo();
        let root = dir.path().join("deploy");
        write(&root, ".env", 0o600);
        std::fs::write(dir.path().join(".gitignore"), "deploy/.env\n").unwrap();
        assert_eq!(one(&check(".env"), &root).status, Status::Pass);
        git(dir.path(), &["add", "-f", "deploy/.env"]);
        assert_eq!(one(&check(".env"), &root).status, Status::Fail);
    }

    #[test]
    fn env_files_are_judged_in_one_pass_and_quickly() {
        let dir = repo();
        let root = dir.path();
        for name in [".env", ".env.prod", ".env.qa"] {
            write(root, name, 0o600);
        }
        std::fs::write(root.join(".gitignore"), ".env.prod\n").unwrap();
        git(root, &["add", ".env"]);
        let ctx = testutil::ctx_with_env(
            root,
            vec![
                testutil::env_spec(root, ".env", true),
                testutil::env_spec(root, ".env.prod", true),
                testutil::env_spec(root, ".env.qa", true),
                testutil::env_spec(root, ".env.missing", false),
            ],
        );
        let c = FilesGit {
            path: None,
            env_files: true,
            must_be_ignored: true,
        };
        c.validate().unwrap();
        let started = Instant::now();
        let obs = c.evaluate(&ctx);
        let took = started.elapsed();
        eprintln!("files.git over four env files took {took:?}");
        let statuses: Vec<Status> = obs.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Fail, Status::Pass, Status::Fail, Status::Skip],
            "{obs:?}"
        );
        // Three git runs (rev-parse, ls-files, check-ignore) for four files.
        assert!(took.as_millis() < 500, "took {took:?}");
    }

    #[test]
    fn repository_of_another_user_is_an_error_not_a_pass() {
        let dir = repo();
        let root = dir.path();
        write(root, ".env", 0o600);
        // Only root can hand the repository to someone else; for others the case cannot arise.
        let handed_over = std::os::unix::fs::chown(root, Some(4242), Some(4242)).is_ok()
            && std::os::unix::fs::chown(root.join(".git"), Some(4242), Some(4242)).is_ok();
        if !handed_over {
            return;
        }
        let o = one(&check(".env"), root);
        assert_eq!(o.status, Status::Error, "{o:?}");
        assert!(o.message.contains("safe.directory"), "{}", o.message);
    }

    #[test]
    fn unresolvable_variable_skips() {
        let dir = repo();
        let o = one(&check("${STATE_ROOT_DIR}/.master.key"), dir.path());
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("STATE_ROOT_DIR"));
    }

    #[test]
    fn validate_requires_one_selector() {
        let mut c = check(".env");
        assert!(c.validate().is_ok());
        c.env_files = true;
        assert!(c.validate().is_err());
    }
}
