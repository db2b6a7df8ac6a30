//! The compose project as `docker compose -f a -f b` would run it: files read, layered and
//! interpolated into one model of services, ports, mounts and users.

pub mod interpolate;
mod layer;
pub mod model;
mod mounts;
mod ports;
mod yaml;
