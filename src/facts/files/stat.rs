//! What is at a path, following symbolic links the way a program opening it would.

use super::{is_absent, stat_error};
use crate::facts::error::FactError;
use std::fs::{self, Metadata};
use std::path::Path;

#[derive(Debug)]
pub enum Entry {
    Present {
        meta: Metadata,
        /// `symlink to TARGET` when the path is a link: the target's mode is what counts.
        link_note: Option<String>,
    },
    Missing {
        what: String,
    },
}

pub fn stat_following_links(path: &Path, subject: &str) -> Result<Entry, FactError> {
    let own = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if is_absent(&e) => {
            return Ok(Entry::Missing {
                what: "not present".into(),
            })
        }
        Err(e) => return Err(FactError::from(stat_error(subject, &e))),
    };
    if !own.file_type().is_symlink() {
        return Ok(Entry::Present {
            meta: own,
            link_note: None,
        });
    }
    let target = match fs::read_link(path) {
        Ok(t) => t.display().to_string(),
        Err(e) => return Err(FactError::from(stat_error(subject, &e))),
    };
    match fs::metadata(path) {
        Ok(meta) => Ok(Entry::Present {
            meta,
            link_note: Some(format!("symlink to {target}")),
        }),
        Err(e) if is_absent(&e) => Ok(Entry::Missing {
            what: format!("dangling symlink to {target}: the target is not present"),
        }),
        Err(e) => Err(FactError::from(format!(
            "symlink to {target}: {}",
            stat_error(subject, &e)
        ))),
    }
}
