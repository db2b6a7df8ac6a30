//! Which loader reads an env file. The same line means different things to different loaders
//! (`A=x#y` is `x#y` for Compose and `x` for npm dotenv), so each `[[env_file]]` names the
//! program that really reads it, and the file is parsed with that program's rules.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Docker Compose's `env_file` / `.env` (compose-go v2 dotenv): `${VAR}` interpolation,
    /// ` #` starts a comment, `A="x" B=1` is two variables.
    #[default]
    Compose,
    /// npm `dotenv` 16 (`dotenv.config()`): `#` ends an unquoted value, no `${VAR}` expansion,
    /// backtick quotes, `\n` expanded only in double quotes.
    Npm,
    /// python-dotenv (`load_dotenv()`): `${VAR}` and `${VAR:-default}` expanded in every
    /// value, ` #` starts a comment, unparseable lines skipped with a warning.
    Python,
}

impl Dialect {
    /// The loader's name, for messages.
    pub fn loader(self) -> &'static str {
        match self {
            Dialect::Compose => "Docker Compose",
            Dialect::Npm => "npm dotenv",
            Dialect::Python => "python-dotenv",
        }
    }
}
