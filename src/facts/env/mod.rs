//! Env files as the deployment's loader reads them.

mod dotenv;

pub use dotenv::{
    is_valid_key, load, load_all, parse, DuplicateKey, EnvFile, EnvState, EnvVar, LoadedEnv,
    MAX_FILE_BYTES,
};
