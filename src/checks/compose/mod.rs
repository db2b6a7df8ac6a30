//! Docker Compose checks: load and layer compose files like `docker compose -f a -f b`,
//! interpolate `${VAR}` from the env file, then judge published ports, mounts and users.

pub mod checks;
mod exposure;
mod image;
pub mod interpolate;
mod layer;
pub mod model;
mod mounts;
mod ports;
mod socket;
mod user;
mod yaml;
