//! The second lock on secrets: every byte rampart writes (the report on stdout, `--output`
//! files, error lines) goes through a [`Redactor`] that knows every secret value this audit
//! loaded and masks each occurrence, whatever message it sits in. Checks still describe
//! secrets by shape only; this catches what a check, a parser error or a future output format
//! gets wrong.
//!
//! Secrets are: the values of variables that `env.secret` checks read, or `env.value` checks
//! with `secret = true` (each list entry too),
//! of variables whose names contain PASSWORD, SECRET, TOKEN or KEY, and the passwords inside
//! any URL or DSN held by any variable; the same of the compose project `.env` once a compose
//! check has read it.

use crate::checks::env::placeholder::placeholder_reason;
use crate::checks::CheckKind;
use crate::dsn;
use crate::facts::env::{is_secret_name, EnvState};
use crate::facts::Facts;
use crate::finding::Finding;
use crate::profile::Profile;

/// Shorter values are left alone: masking `on` or `1` would garble the report, and no real
/// secret is that short (`env.secret` fails it anyway).
const MIN_MASKED_CHARS: usize = 6;
/// Reports shorten long values to well under this many characters before their `…`; longer
/// prefixes are not searched, which keeps the search linear in the secrets' lengths.
const MAX_CUT_PREFIX_CHARS: usize = 512;
/// What a masked secret is replaced with.
pub const MASK: &str = "[redacted]";

#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// Every form a secret may take in the output, longest first so that a secret containing
    /// another is masked whole.
    forms: Vec<String>,
}

impl Redactor {
    /// The secrets of this audit's env files, as its profile's checks and names define them.
    pub fn for_audit(profile: &Profile, facts: &Facts) -> Redactor {
        let checked: Vec<(Option<&str>, &str)> = profile
            .check
            .iter()
            .filter_map(|c| match &c.kind {
                CheckKind::EnvSecret(s) => Some((s.file.as_deref(), s.var.as_str())),
                CheckKind::EnvValue(v) if v.secret => Some((v.file.as_deref(), v.var.as_str())),
                _ => None,
            })
            .collect();
        let primary = facts.env_files().first().map(|f| f.spec.role.as_str());
        let mut secrets = Vec::new();
        for file in facts.env_files() {
            let EnvState::Parsed(parsed) = &file.state else {
                continue;
            };
            for (name, var) in &parsed.vars {
                let is_checked = checked.iter().any(|(role, v)| {
                    *v == name.as_str() && role.or(primary) == Some(file.spec.role.as_str())
                });
                if is_checked || is_secret_name(name) {
                    secrets.push(var.value.clone());
                    secrets.extend(var.value.split(',').map(|e| e.trim().to_string()));
                }
                secrets.extend(dsn::passwords(&var.value));
            }
        }
        Redactor::new(secrets)
    }

    pub fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        Redactor::default().with_secrets(secrets)
    }

    /// This redactor masking `secrets` too: those only known once the audit ran, such as the
    /// compose project `.env`'s, read when a compose check loads the project.
    pub fn with_secrets(self, secrets: impl IntoIterator<Item = String>) -> Redactor {
        let mut forms = self.forms;
        for secret in secrets {
            if secret.trim().chars().count() < MIN_MASKED_CHARS {
                continue;
            }
            // A placeholder (`password`, `changeme`, `your-token-here`) is public text from the
            // docs, which checks name when they reject it; masking it would only garble the
            // report's own words ("carries no [redacted]").
            if placeholder_reason("", &secret).is_some() {
                continue;
            }
            forms.extend(output_forms(&secret));
        }
        forms.retain(|f| f.chars().count() >= MIN_MASKED_CHARS);
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Redactor { forms }
    }

    /// Masks the secrets in every field of a finding that comes from the audited system
    /// (subject, message, expected, actual, location); the check's own identity, written by
    /// the profile author, is left as written.
    pub fn redact_finding(&self, finding: &mut Finding) {
        for field in [
            &mut finding.subject,
            &mut finding.message,
            &mut finding.expected,
            &mut finding.actual,
        ] {
            *field = self.redact(field);
        }
        let l = &mut finding.location;
        for field in [&mut l.file, &mut l.host, &mut l.path, &mut l.service]
            .into_iter()
            .flatten()
        {
            *field = self.redact(field);
        }
    }

    /// The same redactor without the secrets that occur inside `public` texts (check ids,
    /// titles, remediations): a password such as `password` must not turn the id
    /// `ocmt.admin-password` into `ocmt.admin-[redacted]` when a whole rendered report is
    /// masked. Those secrets are still masked field by field by [`Redactor::redact_finding`].
    pub fn sparing(&self, public: &[&str]) -> Redactor {
        Redactor {
            forms: self
                .forms
                .iter()
                .filter(|f| !public.iter().any(|p| p.contains(f.as_str())))
                .cloned()
                .collect(),
        }
    }

    /// `text` with every known secret masked, including the start of a secret that a report
    /// shortened with `…`.
    pub fn redact(&self, text: &str) -> String {
        // Cut secrets first: a whole shorter secret inside one would otherwise hide it.
        let mut out = self.mask_cut_prefixes(text);
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), MASK);
            }
        }
        out
    }

    fn mask_cut_prefixes(&self, text: &str) -> String {
        const ELLIPSIS: char = '…';
        let mut out = String::with_capacity(text.len());
        let mut pieces = text.split(ELLIPSIS).peekable();
        while let Some(piece) = pieces.next() {
            let cut = if pieces.peek().is_some() {
                self.longest_prefix_ending(piece)
            } else {
                0
            };
            out.push_str(&piece[..piece.len() - cut]);
            if cut > 0 {
                out.push_str(MASK);
            }
            if pieces.peek().is_some() {
                out.push(ELLIPSIS);
            }
        }
        out
    }

    /// The length of the longest start of a known secret (at least the masked minimum) that
    /// `text` ends with.
    fn longest_prefix_ending(&self, text: &str) -> usize {
        let mut best = 0;
        for form in &self.forms {
            let ends = form.char_indices().map(|(i, _)| i).chain([form.len()]);
            for end in ends.skip(MIN_MASKED_CHARS).take(MAX_CUT_PREFIX_CHARS) {
                if end > best && text.ends_with(&form[..end]) {
                    best = end;
                }
            }
        }
        best
    }
}

/// The secret as each output writes it: raw, trimmed, JSON-escaped, and escaped the way the
/// text report shows control characters; each line of a multi-line secret on its own.
fn output_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string(), secret.trim().to_string()];
    if let Ok(json) = serde_json::to_string(secret) {
        forms.push(json.trim_matches('"').to_string());
    }
    forms.push(crate::escape::escape(secret));
    forms.extend(secret.lines().map(|l| l.trim().to_string()));
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form_longest_first() {
        let r = Redactor::new(vec![
            "abc\"def\\ghi".to_string(),
            "hunter2hunter2".to_string(),
            "hunter2".to_string(),
            "short".to_string(),
            "line-one-x\nline-two-y".to_string(),
        ]);
        let text =
            r#"a abc"def\ghi b abc\"def\\ghi c hunter2hunter2 d hunter2 e short f line-two-y"#;
        let shown = r.redact(text);
        for leak in ["def", "hunter2", "line-two"] {
            assert!(!shown.contains(leak), "{shown}");
        }
        assert!(shown.contains("short"), "{shown}");
        assert_eq!(shown.matches(MASK).count(), 5, "{shown}");
        // A report that shortened a value must not show the secret's start either.
        let shown = r.redact("PG_DSN is `host=db password=hunter2hun…`");
        assert_eq!(shown, "PG_DSN is `host=db password=[redacted]…`");
        // A cut right at the end of a secret, and a huge secret, stay cheap and correct.
        let big: String = (0u32..90_000)
            .map(|i| char::from(b'A' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
            .collect();
        let r = Redactor::new(vec![big.clone(), "hunter2hunter2".to_string()]);
        assert_eq!(r.redact("x hunter2hunter2…"), "x [redacted]…");
        assert_eq!(r.redact(&format!("v {}…", &big[..90])), "v [redacted]…");
    }

    #[test]
    fn findings_are_masked_field_by_field_and_public_texts_are_spared() {
        let r = Redactor::new(vec!["passw0rd-of-admin".to_string()]);
        let mut f = Finding {
            id: "ocmt.passw0rd-of-admin".into(),
            title: "Admin password".into(),
            category: crate::finding::Category::Secrets,
            status: crate::finding::Status::Fail,
            severity: crate::finding::Severity::High,
            subject: "ADMIN_PASSWORD".into(),
            location: crate::finding::Location::default(),
            message: "ADMIN_PASSWORD is passw0rd-of-admin".into(),
            expected: String::new(),
            actual: "passw0rd-of-admin".into(),
            remediation: "Set a strong password.".into(),
        };
        r.redact_finding(&mut f);
        assert_eq!(f.message, "ADMIN_PASSWORD is [redacted]");
        assert_eq!(f.actual, "[redacted]");
        assert_eq!(f.id, "ocmt.passw0rd-of-admin");
        let spared = r.sparing(&[&f.id, &f.remediation]);
        assert_eq!(
            spared.redact("ocmt.passw0rd-of-admin"),
            "ocmt.passw0rd-of-admin"
        );
        assert_eq!(r.redact("x passw0rd-of-admin"), "x [redacted]");
        // Placeholders are public text, named by the checks that reject them.
        let r = Redactor::new(vec!["password".to_string(), "changeme".to_string()]);
        assert_eq!(r.redact("carries no password"), "carries no password");
    }
}
