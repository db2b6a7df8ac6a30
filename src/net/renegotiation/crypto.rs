//! The TLS 1.2 key schedule and AES-GCM record protection the renegotiation probe needs
//! (RFC 5246 section 5 and 6, RFC 5288), on `ring`. Only the SHA-256 PRF and AES-128-GCM.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};
use ring::{digest, hmac};

pub const KEY_LEN: usize = 16;
pub const FIXED_IV_LEN: usize = 4;
const EXPLICIT_NONCE_LEN: usize = 8;
const TAG_LEN: usize = 16;

/// P_SHA256 from RFC 5246 section 5: `len` bytes of PRF(secret, label, seed).
pub fn prf(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut label_seed = label.to_vec();
    label_seed.extend_from_slice(seed);
    let mut out = Vec::with_capacity(len + 32);
    let mut a = hmac::sign(&key, &label_seed); // A(1)
    while out.len() < len {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(a.as_ref());
        ctx.update(&label_seed);
        out.extend_from_slice(ctx.sign().as_ref());
        a = hmac::sign(&key, a.as_ref());
    }
    out.truncate(len);
    out
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

/// One direction of an AES-128-GCM protected connection.
pub struct Direction {
    key: LessSafeKey,
    fixed_iv: [u8; FIXED_IV_LEN],
    seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError(pub &'static str);

impl Direction {
    pub fn new(key: &[u8], fixed_iv: &[u8]) -> Result<Direction, RecordError> {
        let unbound = UnboundKey::new(&AES_128_GCM, key).map_err(|_| RecordError("bad key"))?;
        let fixed_iv = fixed_iv.try_into().map_err(|_| RecordError("bad IV"))?;
        Ok(Direction {
            key: LessSafeKey::new(unbound),
            fixed_iv,
            seq: 0,
        })
    }

    fn nonce(&self, explicit: [u8; EXPLICIT_NONCE_LEN]) -> Nonce {
        let mut nonce = [0u8; 12];
        nonce[..FIXED_IV_LEN].copy_from_slice(&self.fixed_iv);
        nonce[FIXED_IV_LEN..].copy_from_slice(&explicit);
        Nonce::assume_unique_for_key(nonce)
    }

    fn aad(&self, content_type: u8, len: usize) -> [u8; 13] {
        let mut aad = [0u8; 13];
        aad[..8].copy_from_slice(&self.seq.to_be_bytes());
        aad[8] = content_type;
        aad[9..11].copy_from_slice(&[3, 3]);
        aad[11..].copy_from_slice(&(len as u16).to_be_bytes());
        aad
    }

    /// The whole record (header included) carrying `plaintext`.
    pub fn seal(&mut self, content_type: u8, plaintext: &[u8]) -> Result<Vec<u8>, RecordError> {
        let explicit = self.seq.to_be_bytes();
        let aad = self.aad(content_type, plaintext.len());
        let mut body = plaintext.to_vec();
        let tag = self
            .key
            .seal_in_place_separate_tag(self.nonce(explicit), Aad::from(aad), &mut body)
            .map_err(|_| RecordError("encryption failed"))?;
        self.seq += 1;
        let len = EXPLICIT_NONCE_LEN + body.len() + TAG_LEN;
        let mut record = vec![content_type, 3, 3];
        record.extend_from_slice(&(len as u16).to_be_bytes());
        record.extend_from_slice(&explicit);
        record.extend_from_slice(&body);
        record.extend_from_slice(tag.as_ref());
        Ok(record)
    }

    /// The plaintext of a record's payload (after the 5-byte header).
    pub fn open(&mut self, content_type: u8, payload: &[u8]) -> Result<Vec<u8>, RecordError> {
        if payload.len() < EXPLICIT_NONCE_LEN + TAG_LEN {
            return Err(RecordError("encrypted record too short"));
        }
        let (explicit, sealed) = payload.split_at(EXPLICIT_NONCE_LEN);
        let explicit: [u8; EXPLICIT_NONCE_LEN] =
            explicit.try_into().map_err(|_| RecordError("bad nonce"))?;
        let aad = self.aad(content_type, sealed.len() - TAG_LEN);
        let mut body = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(self.nonce(explicit), Aad::from(aad), &mut body)
            .map_err(|_| RecordError("a record from the server does not decrypt"))?;
        let plain = plain.to_vec();
        self.seq += 1;
        Ok(plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_matches_the_published_tls12_sha256_test_vector() {
        // The widely used P_SHA256 vector (IETF TLS WG mailing list, 2009).
        let secret = hex("9bbe436ba940f017b17652849a71db35");
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c");
        let out = prf(&secret, b"test label", &seed, 100);
        assert_eq!(
            &out[..16],
            &hex("e3f229ba727be17b8d122620557cd453")[..],
            "{out:02x?}"
        );
        assert_eq!(out.len(), 100);
    }

    #[test]
    fn a_sealed_record_opens_with_the_same_keys_and_not_after_tampering() {
        let (key, iv) = ([7u8; KEY_LEN], [1u8; FIXED_IV_LEN]);
        let mut tx = Direction::new(&key, &iv).unwrap();
        let mut rx = Direction::new(&key, &iv).unwrap();
        let record = tx.seal(22, b"hello").unwrap();
        assert_eq!(&record[..3], &[22, 3, 3]);
        assert_eq!(rx.open(22, &record[5..]).unwrap(), b"hello");
        let mut bad = tx.seal(22, b"again").unwrap();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(rx.open(22, &bad[5..]).is_err());
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
