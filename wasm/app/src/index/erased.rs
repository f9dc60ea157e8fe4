//! Accounts erased by `privacy.report`, so erasure sticks.
//!
//! An erased account is kept only as a salted SHA-256 of its id (the salt is
//! the installation, so a hash says nothing across sites) with the neutral
//! label (`Former user N`) that replaced it. Every write to the index looks up
//! the account ids it is about to store (authors, and account ids inside
//! custom field values) and writes the label instead of an erased one: a sync
//! that reads the account's worklogs from Jira again never brings the id back.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::executor::Ctx;
use crate::index::placeholders;
use crate::protocol::Value;
use crate::Error;

/// Hashes looked up per statement.
const CHUNK: usize = 500;

/// The salted hash of `account` on this installation, as 64 hex digits.
pub fn erased_hash(installation: &str, account: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"worklogs erased account v1\0");
    hasher.update(installation.as_bytes());
    hasher.update([0]);
    hasher.update(account.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        // Writing into a `String` cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Records that `account` was erased and is shown as `label` from now on.
///
/// # Errors
///
/// The database's errors.
pub async fn remember(ctx: &Ctx, site: i64, account: &str, label: &str) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO erased_accounts (site, hash, label) VALUES (?, ?, ?)",
        vec![
            Value::Int(site),
            Value::Text(erased_hash(&ctx.context().installation, account)),
            Value::Text(label.to_owned()),
        ],
    )
    .await?;
    Ok(())
}

/// Which of `texts` (account ids, or any strings that may be one) are erased
/// accounts: each one's label. One statement per [`CHUNK`] texts, in one batch.
///
/// # Errors
///
/// The database's errors (a failed look-up fails the write: it never writes
/// an id it could not check).
pub async fn labels_of(
    ctx: &Ctx,
    site: i64,
    texts: &BTreeSet<&str>,
) -> Result<BTreeMap<String, String>, Error> {
    let installation = &ctx.context().installation;
    let by_hash: BTreeMap<String, &str> = texts
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| (erased_hash(installation, t), *t))
        .collect();
    let hashes: Vec<&String> = by_hash.keys().collect();
    let reads = hashes.chunks(CHUNK).map(|chunk| {
        let mut params = vec![Value::Int(site)];
        params.extend(chunk.iter().map(|h| Value::Text((*h).clone())));
        ctx.sql(
            &format!(
                "SELECT hash, label FROM erased_accounts WHERE site = ? AND hash IN ({}) LIMIT {}",
                placeholders(chunk.len()),
                chunk.len()
            ),
            params,
        )
    });
    let mut out = BTreeMap::new();
    for answer in futures::future::join_all(reads).await {
        for row in answer?.rows {
            if let (Some(Value::Text(hash)), Some(Value::Text(label))) = (row.first(), row.get(1)) {
                if let Some(account) = by_hash.get(hash) {
                    out.insert((*account).to_owned(), label.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Every string inside a JSON text (custom field values), to look up.
pub fn strings_in(json: &str) -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
        walk(&value, &mut out);
    }
    out
}

/// `json` with every erased account's quoted id replaced by its quoted label.
pub fn relabel(json: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = json.to_owned();
    for (account, label) in labels {
        let quoted = serde_json::Value::String(account.clone()).to_string();
        if out.contains(&quoted) {
            let replacement = serde_json::Value::String(label.clone()).to_string();
            out = out.replace(&quoted, &replacement);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_by_installation_and_hide_the_id() {
        let a = erased_hash("site-1", "712020:abc");
        assert_eq!(a.len(), 64);
        assert!(!a.contains("abc"));
        assert_eq!(a, erased_hash("site-1", "712020:abc"));
        assert_ne!(a, erased_hash("site-2", "712020:abc"));
    }

    #[test]
    fn custom_field_values_are_relabelled() {
        let json = r#"{"customfield_1":{"accountId":"712020:abc"},"customfield_2":["712020:abcd","712020:abc"]}"#;
        let strings = strings_in(json);
        assert!(strings.contains("712020:abc") && strings.contains("712020:abcd"));
        let labels = BTreeMap::from([("712020:abc".to_owned(), "Former user 1".to_owned())]);
        assert_eq!(
            relabel(json, &labels),
            r#"{"customfield_1":{"accountId":"Former user 1"},"customfield_2":["712020:abcd","Former user 1"]}"#
        );
    }
}
