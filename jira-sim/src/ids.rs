//! Stable identifiers derived from names.
//!
//! Account ids, group ids and other opaque ids must be the same on every run and
//! every platform, whatever the seed: tests and scenario files name people by alias
//! and expect the same account id forever. They are derived from the name with a
//! fixed hash. The hash is hand-written (64-bit FNV-1a finished with the SplitMix64
//! mixer) because `std`'s hashers make no stability promise across releases, and
//! ten lines are cheaper than a dependency whose output could change.

/// Hashes `bytes` with 64-bit FNV-1a, salted by `salt`, then mixes the result.
fn hash64(salt: u64, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix64(h)
}

/// The SplitMix64 finaliser: spreads every input bit over the whole output.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A UUID-shaped lowercase hex string (8-4-4-4-12) derived from `namespace` and `name`.
pub(crate) fn uuid_like(namespace: &str, name: &str) -> String {
    let key = format!("{namespace}\u{0}{name}");
    let a = hash64(1, key.as_bytes());
    let b = hash64(2, key.as_bytes());
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The Atlassian-style account id of the person with this alias, such as
/// `712020:3c5e…`.
pub(crate) fn person_account_id(alias: &str) -> String {
    format!("712020:{}", uuid_like("account", alias))
}

/// The account id of an app user (the identity a Forge app acts as with `asApp`).
pub(crate) fn app_account_id(alias: &str) -> String {
    format!("557058:{}", uuid_like("app", alias))
}

/// The id of a group, as Jira Cloud's `groupId` (a UUID).
pub(crate) fn group_id(name: &str) -> String {
    uuid_like("group", name)
}

/// A small deterministic hash of a string, for colours and such.
pub(crate) fn small_hash(s: &str) -> u64 {
    hash64(3, s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_stable_and_distinct() {
        let alice = person_account_id("alice");
        assert_eq!(alice, person_account_id("alice"));
        assert_ne!(alice, person_account_id("bob"));
        assert!(alice.starts_with("712020:"));
        assert_eq!(alice.len(), "712020:".len() + 36);
        // Golden value: account ids must never change, whatever the seed or platform.
        assert_eq!(alice, "712020:c5d8cc38-1d3c-d85c-2c73-ab24abb5fabe");
    }
}
