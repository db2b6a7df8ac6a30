//! Env files as the deployment's loader reads them.

mod dotenv;
mod npm;
mod python;

pub use crate::target::Dialect;
pub use dotenv::{
    is_secret_name, is_valid_key, load, load_all, parse, parse_as, DuplicateKey, EnvFile, EnvState,
    EnvVar, LoadedEnv, MAX_FILE_BYTES,
};

#[cfg(test)]
mod tests;
