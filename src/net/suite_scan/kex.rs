//! Reads the server's key exchange parameters from a TLS 1.2 ServerKeyExchange message.

use crate::net::legacy_probe::suites::KeyExchange;

/// The ephemeral parameters a server chose for one handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KexParams {
    /// Finite-field DHE: the size of the prime `p`, in bits (Logjam: under 2048 is weak).
    Dhe { prime_bits: u32 },
    /// ECDHE on a named group (IANA id).
    Ecdhe { group: u16 },
}

/// Reads the parameters at the start of a ServerKeyExchange body for a suite with this key
/// exchange. `None` for other key exchanges; `Err` when the message is malformed.
pub fn parse_server_key_exchange(
    key_exchange: KeyExchange,
    body: &[u8],
) -> Result<Option<KexParams>, String> {
    match key_exchange {
        KeyExchange::Dhe => {
            let [hi, lo, rest @ ..] = body else {
                return Err("ServerKeyExchange too short for a DH prime".into());
            };
            let len = usize::from(u16::from_be_bytes([*hi, *lo]));
            let p = rest
                .get(..len)
                .ok_or("ServerKeyExchange truncated inside the DH prime")?;
            Ok(Some(KexParams::Dhe {
                prime_bits: significant_bits(p),
            }))
        }
        KeyExchange::Ecdhe => match body {
            [3, hi, lo, ..] => Ok(Some(KexParams::Ecdhe {
                group: u16::from_be_bytes([*hi, *lo]),
            })),
            [kind, ..] => Err(format!(
                "ECDHE parameters of curve type {kind}, not a named group"
            )),
            [] => Err("empty ServerKeyExchange".into()),
        },
        _ => Ok(None),
    }
}

fn significant_bits(be: &[u8]) -> u32 {
    let mut bytes = be.iter().skip_while(|b| **b == 0);
    match bytes.next() {
        Some(first) => (8 - first.leading_zeros()) + 8 * bytes.count() as u32,
        None => 0,
    }
}

/// IANA names of the named groups a TLS 1.2 server may choose.
pub fn group_name(group: u16) -> String {
    match group {
        0x0017 => "secp256r1".into(),
        0x0018 => "secp384r1".into(),
        0x0019 => "secp521r1".into(),
        0x001A => "brainpoolP256r1".into(),
        0x001B => "brainpoolP384r1".into(),
        0x001C => "brainpoolP512r1".into(),
        0x001D => "x25519".into(),
        0x001E => "x448".into(),
        0x0100 => "ffdhe2048".into(),
        0x0101 => "ffdhe3072".into(),
        0x0102 => "ffdhe4096".into(),
        0x11EC => "X25519MLKEM768".into(),
        other => format!("group 0x{other:04X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_dh_prime_size_ignoring_leading_zero_bytes() {
        let mut body = vec![0x00, 0x81, 0x00, 0x80];
        body.extend(std::iter::repeat_n(0xAB, 127));
        body.extend_from_slice(&[0, 1, 2, 0, 1, 5]); // g, Ys (ignored)
        assert_eq!(
            parse_server_key_exchange(KeyExchange::Dhe, &body),
            Ok(Some(KexParams::Dhe { prime_bits: 1024 }))
        );
        assert!(parse_server_key_exchange(KeyExchange::Dhe, &[0x01, 0x00, 1, 2]).is_err());
        assert!(parse_server_key_exchange(KeyExchange::Dhe, &[0x01]).is_err());
    }

    #[test]
    fn reads_the_named_group_of_ecdhe_parameters() {
        assert_eq!(
            parse_server_key_exchange(KeyExchange::Ecdhe, &[3, 0x00, 0x1D, 32, 1, 2]),
            Ok(Some(KexParams::Ecdhe { group: 0x001D }))
        );
        assert!(parse_server_key_exchange(KeyExchange::Ecdhe, &[1, 0, 0]).is_err());
        assert_eq!(
            parse_server_key_exchange(KeyExchange::StaticRsa, &[]),
            Ok(None)
        );
        assert_eq!(group_name(0x0017), "secp256r1");
    }
}
