//! Docker Compose checks: judge the merged compose project (`facts::compose`) for published
//! ports, the Docker socket and container users.

pub mod checks;
mod exposure;
pub mod image;
mod known;
pub mod privileges;
mod socket;
mod user;
