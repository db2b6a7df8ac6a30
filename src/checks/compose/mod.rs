//! Docker Compose checks: judge the merged compose project (`facts::compose`) for published
//! ports, the Docker socket and container users.

pub mod checks;
mod exposure;
pub mod image;
mod socket;
mod user;
