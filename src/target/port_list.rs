//! `--ports LIST|RANGE|all`: which TCP ports to scan beyond those the profile names.

use std::collections::BTreeSet;
use std::fmt;

/// A set of TCP ports, kept sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortList(BTreeSet<u16>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortListError {
    pub entry: String,
    pub reason: &'static str,
}

impl fmt::Display for PortListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--ports entry {:?}: {}", self.entry, self.reason)
    }
}

impl std::error::Error for PortListError {}

/// More entries than this is a typo, not a port list (`all` covers the whole range).
const MAX_ENTRIES: usize = 10_000;

impl PortList {
    pub fn all() -> Self {
        PortList((1..=u16::MAX).collect())
    }

    /// Parses `1-1024,5432`, `22`, `all`. Ranges are inclusive; 0 is not a port.
    pub fn parse(text: &str) -> Result<PortList, PortListError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(PortList::all());
        }
        let mut ports = BTreeSet::new();
        for (i, entry) in text.split(',').enumerate() {
            let err = |reason| PortListError {
                entry: entry.to_string(),
                reason,
            };
            if i >= MAX_ENTRIES {
                return Err(err("too many entries"));
            }
            let entry_text = entry.trim();
            if entry_text.is_empty() {
                return Err(err("empty entry"));
            }
            let (start, end) = match entry_text.split_once('-') {
                Some((a, b)) => (parse_port(a).map_err(err)?, parse_port(b).map_err(err)?),
                None => {
                    let p = parse_port(entry_text).map_err(err)?;
                    (p, p)
                }
            };
            if start > end {
                return Err(err("range runs backwards"));
            }
            ports.extend(start..=end);
        }
        Ok(PortList(ports))
    }

    pub fn from_ports(ports: impl IntoIterator<Item = u16>) -> Self {
        PortList(ports.into_iter().filter(|p| *p != 0).collect())
    }

    pub fn extend(&mut self, ports: impl IntoIterator<Item = u16>) {
        self.0.extend(ports.into_iter().filter(|p| *p != 0));
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.contains(&port)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.0.iter().copied()
    }
}

fn parse_port(text: &str) -> Result<u16, &'static str> {
    match text.trim().parse::<u16>() {
        Ok(0) => Err("0 is not a port"),
        Ok(p) => Ok(p),
        Err(_) => Err("not a port number (1-65535)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_ranges_and_all() {
        let list = PortList::parse("1-1024,5432").unwrap();
        assert_eq!(list.len(), 1025);
        assert!(list.contains(1) && list.contains(1024) && list.contains(5432));
        assert!(!list.contains(1025));
        assert_eq!(PortList::parse(" 22 , 22,80 ").unwrap().len(), 2);
        assert_eq!(PortList::parse("all").unwrap().len(), 65535);
        assert_eq!(PortList::parse("ALL").unwrap().len(), 65535);
        assert_eq!(PortList::parse("65535").unwrap().iter().next(), Some(65535));
    }

    #[test]
    fn rejects_what_is_not_a_port() {
        for bad in [
            "", "0", "65536", "80-", "-80", "90-80", "http", "1,,2", "1-2-3",
        ] {
            let err = PortList::parse(bad).unwrap_err();
            assert!(err.to_string().contains("--ports"), "{bad}: {err}");
        }
    }
}
