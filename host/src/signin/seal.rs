//! The people's OAuth tokens at rest: sealed with ChaCha20-Poly1305 under a
//! key derived from the OAuth app's client secret (HKDF-SHA256), so a copy of
//! the database (a dump, a backup of its files, a shared MariaDB server) holds
//! no token that works. The secret itself comes from the environment
//! (`WORKLOGS_OAUTH_CLIENT_SECRET`), never from the database.
//!
//! A sealed value is `v1.` and the URL-safe base64 of a random 96-bit nonce,
//! the ciphertext and its 16-byte tag. The associated data binds it to its
//! row and field (installation, account, `access` or `refresh`): a value
//! copied to another account's row, or from the refresh to the access field,
//! does not open.
//!
//! Why `ring`: it is already built for TLS (rustls), well kept and audited;
//! it has the AEAD and HKDF this needs, so no other cryptographic crate is
//! added.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::hkdf::{Salt, HKDF_SHA256};

use crate::protocol::TaskError;

/// The format's prefix; another prefix (or none: a token stored by a version
/// before sealing) does not open.
const VERSION: &str = "v1.";
/// HKDF's salt and info: the key is for this purpose only.
const SALT: &[u8] = b"worklogs sign-in tokens";
const INFO: &[u8] = b"chacha20-poly1305 v1";

/// Which token a sealed value is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Field {
    Access,
    Refresh,
}

/// Seals and opens tokens with the key of one client secret.
pub(super) struct Seal {
    key: LessSafeKey,
}

impl Seal {
    /// The seal whose key is derived from `client_secret`.
    pub(super) fn new(client_secret: &str) -> Seal {
        let prk = Salt::new(HKDF_SHA256, SALT).extract(client_secret.as_bytes());
        let okm = prk
            .expand(&[INFO], &CHACHA20_POLY1305)
            // Only a length past 255 hashes fails; a 32-byte key never does.
            .expect("HKDF expands to one ChaCha20 key");
        Seal {
            key: LessSafeKey::new(UnboundKey::from(okm)),
        }
    }

    /// `token` sealed for `field` of `account`'s row in `installation`.
    ///
    /// # Errors
    ///
    /// `internal` when the system has no random source.
    pub(super) fn seal(
        &self,
        installation: &str,
        account: &str,
        field: Field,
        token: &str,
    ) -> Result<String, TaskError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|err| TaskError::internal(format!("no random source for a token: {err}")))?;
        let mut sealed = token.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated(installation, account, field)),
                &mut sealed,
            )
            .map_err(|_| TaskError::internal("a token could not be sealed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// The token in `stored`, when it was sealed with this key for `field` of
    /// this row; none for anything else (another key, another row, a damaged
    /// or an unsealed value).
    pub(super) fn open(
        &self,
        installation: &str,
        account: &str,
        field: Field,
        stored: &str,
    ) -> Option<String> {
        let mut bytes = URL_SAFE_NO_PAD.decode(stored.strip_prefix(VERSION)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let mut sealed = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).ok()?;
        let token = self
            .key
            .open_in_place(
                nonce,
                Aad::from(associated(installation, account, field)),
                &mut sealed,
            )
            .ok()?;
        String::from_utf8(token.to_vec()).ok()
    }
}

/// The associated data: each part's length before it, so no two rows share
/// one.
fn associated(installation: &str, account: &str, field: Field) -> Vec<u8> {
    let mut data = Vec::with_capacity(installation.len() + account.len() + 24);
    for part in [installation, account] {
        data.extend_from_slice(&(part.len() as u64).to_be_bytes());
        data.extend_from_slice(part.as_bytes());
    }
    data.extend_from_slice(match field {
        Field::Access => b"access",
        Field::Refresh => b"refresh",
    });
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_with_its_key_row_and_field() {
        let seal = Seal::new("secret");
        let sealed = seal.seal("local", "acc-a", Field::Access, "tok").unwrap();
        assert!(sealed.starts_with("v1."), "{sealed}");
        assert!(!sealed.contains("tok"), "{sealed}");
        assert_eq!(
            seal.open("local", "acc-a", Field::Access, &sealed)
                .as_deref(),
            Some("tok")
        );
        // Each sealing has its own nonce.
        assert_ne!(
            sealed,
            seal.seal("local", "acc-a", Field::Access, "tok").unwrap()
        );
        // Another key, row or field: none.
        assert_eq!(
            Seal::new("other secret").open("local", "acc-a", Field::Access, &sealed),
            None
        );
        assert_eq!(seal.open("local", "acc-b", Field::Access, &sealed), None);
        assert_eq!(seal.open("site", "acc-a", Field::Access, &sealed), None);
        assert_eq!(seal.open("local", "acc-a", Field::Refresh, &sealed), None);
        // The parts' lengths are in the associated data: moving a character
        // from the installation to the account changes it.
        let joined = seal.seal("ab", "c", Field::Access, "tok").unwrap();
        assert_eq!(seal.open("a", "bc", Field::Access, &joined), None);
    }

    #[test]
    fn damaged_or_unsealed_values_do_not_open() {
        let seal = Seal::new("secret");
        let sealed = seal.seal("local", "acc-a", Field::Refresh, "tok").unwrap();
        // Every single flipped character of the payload.
        for at in VERSION.len()..sealed.len() {
            let mut damaged = sealed.clone().into_bytes();
            damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
            let damaged = String::from_utf8(damaged).unwrap();
            if damaged != sealed {
                assert_eq!(
                    seal.open("local", "acc-a", Field::Refresh, &damaged),
                    None,
                    "{damaged}"
                );
            }
        }
        for stored in [
            "",
            "tok",
            "v1.",
            "v1.AAAA",
            "v2.AAAA",
            &sealed[..sealed.len() - 4],
        ] {
            assert_eq!(seal.open("local", "acc-a", Field::Refresh, stored), None);
        }
    }
}
