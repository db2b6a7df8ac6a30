//! The compose project as `docker compose up` would run it: the files chosen (discovery,
//! override file, `COMPOSE_FILE`, or the product's `-f` list), read, included, extended,
//! layered and interpolated from the project `.env` into one model of services.

pub mod discover;
pub mod interpolate;
mod layer;
mod loader;
pub mod model;
mod mounts;
pub mod ports;
pub mod yaml;

pub use loader::load;
