//! Env files as the deployment's loader reads them.

mod assignments;
mod dotenv;
mod npm;
mod python;

pub use crate::target::Dialect;
pub use assignments::{DuplicateKey, EnvFile, EnvVar};
pub use dotenv::{
    is_secret_name, is_valid_key, load, load_all, parse, parse_as, EnvState, LoadedEnv,
    MAX_FILE_BYTES,
};

#[cfg(test)]
mod tests;
