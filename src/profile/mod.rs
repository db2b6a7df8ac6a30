//! Profiles: which checks an audit runs and where the product keeps its files.

pub mod builtin;
pub mod checks;
pub mod error;
pub mod load;
pub mod schema;

pub use error::ProfileError;
pub use load::{load_builtin, load_file, Profile};
