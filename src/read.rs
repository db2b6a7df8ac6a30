//! The one way rampart reads a file from the audited system (env files, compose files,
//! profiles, CA bundles, `/etc/passwd`): regular files only, opened without blocking, and
//! capped by the bytes actually read, never by the size metadata reports (`/proc` files
//! report 0, and a file can grow while it is read).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// `O_NONBLOCK` on Linux: a FIFO or a character device that slipped past the type check (a
/// race, or `/proc/kmsg`, which reports itself as a regular file) answers "would block"
/// instead of hanging the audit.
const O_NONBLOCK: i32 = 0o4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    /// A directory, FIFO, socket or device where a file was expected.
    NotRegular(&'static str),
    TooLarge {
        limit: usize,
    },
    /// Reading would block: a pipe or a kernel file that waits for data.
    WouldBlock,
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("not found"),
            ReadError::NotRegular(what) => write!(f, "{what}, not a regular file"),
            ReadError::TooLarge { limit } => {
                write!(f, "larger than {} KiB", limit.div_ceil(1024))
            }
            ReadError::WouldBlock => {
                f.write_str("reading it would block (a pipe or a special file, not a file)")
            }
            ReadError::Io(reason) => write!(f, "cannot be read: {reason}"),
        }
    }
}

impl std::error::Error for ReadError {}

fn io_error(e: &io::Error) -> ReadError {
    match e.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        io::ErrorKind::WouldBlock => ReadError::WouldBlock,
        _ => ReadError::Io(e.to_string()),
    }
}

fn kind_name(ft: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Reads at most `limit` bytes of the regular file at `path` (links followed).
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(meta.file_type())));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
        .map_err(|e| io_error(&e))?;
    // The path may have been swapped between the stat and the open.
    let opened = file.metadata().map_err(|e| io_error(&e))?;
    if !opened.is_file() {
        return Err(ReadError::NotRegular(kind_name(opened.file_type())));
    }
    read_capped(file, limit)
}

fn read_capped(file: File, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&e))?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_bounded`], then UTF-8 (a leading BOM dropped). `Err(None)` is not UTF-8.
pub fn read_text(path: &Path, limit: usize) -> Result<String, ReadTextError> {
    let bytes = read_bounded(path, limit).map_err(ReadTextError::Read)?;
    let mut text = String::from_utf8(bytes).map_err(|_| ReadTextError::NotUtf8)?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadTextError {
    Read(ReadError),
    NotUtf8,
}

impl fmt::Display for ReadTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadTextError::Read(e) => e.fmt(f),
            ReadTextError::NotUtf8 => f.write_str("not UTF-8 text"),
        }
    }
}

impl std::error::Error for ReadTextError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_by_bytes_read_and_refuses_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().len(), 10);
        assert_eq!(read_bounded(&p, 9), Err(ReadError::TooLarge { limit: 9 }));
        assert_eq!(
            read_bounded(dir.path(), 10),
            Err(ReadError::NotRegular("a directory"))
        );
        assert_eq!(
            read_bounded(&dir.path().join("none"), 10),
            Err(ReadError::NotFound)
        );
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        ));
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        assert_eq!(
            read_bounded(&fifo, 10),
            Err(ReadError::NotRegular("a named pipe"))
        );
    }

    #[test]
    fn proc_files_that_report_size_zero_are_read_by_bytes() {
        // /proc/self/status reports size 0 but has content: the cap is on bytes read.
        let text = read_text(Path::new("/proc/self/status"), 64 * 1024).unwrap();
        assert!(text.contains("Name:"));
        assert!(matches!(
            read_bounded(Path::new("/proc/self/status"), 8),
            Err(ReadError::TooLarge { limit: 8 })
        ));
    }

    #[test]
    fn drops_a_bom_and_refuses_non_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "\u{feff}A=1").unwrap();
        assert_eq!(read_text(&p, 100).unwrap(), "A=1");
        std::fs::write(&p, b"\xff\xfe").unwrap();
        assert_eq!(read_text(&p, 100), Err(ReadTextError::NotUtf8));
    }
}
