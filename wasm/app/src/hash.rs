//! The one text hash of the component ([`hash_text`]): stable across runs,
//! hosts and versions, since dictionary ids are stored.

/// A 53-bit, never zero hash of `kind` and `text`: the dictionary id of an
/// entry, and the jitter of back-offs. FNV-1a over the bytes, then the
/// SplitMix64 finaliser for a good spread of short, similar texts. 53 bits, so
/// that the id is exact wherever it travels as a JavaScript number (Forge
/// SQL's answers reach the component through JSON).
///
/// ```
/// use worklogs_app::hash::hash_text;
/// assert_eq!(hash_text(1, "a"), hash_text(1, "a"));
/// assert_ne!(hash_text(1, "a"), hash_text(2, "a"));
/// assert!(hash_text(1, "") > 0);
/// ```
pub fn hash_text(kind: u8, text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(kind).chain(text.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    let positive = i64::try_from(h & 0x001f_ffff_ffff_ffff).unwrap_or(1);
    positive.max(1)
}
