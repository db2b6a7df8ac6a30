//! Docker Compose checks: load and layer compose files like `docker compose -f a -f b`,
//! interpolate `${VAR}` from the env file, then judge published ports, mounts and users.

pub mod checks;
pub mod model;
