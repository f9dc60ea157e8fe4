//! Where the local host writes app-data archives (`docs/backup.md`): a
//! directory and S3-compatible object storage, either or both (the 3-2-1
//! rule: copies on more than one medium, one of them off the machine).
//!
//! Both go through the `object_store` crate (its local file system and its
//! S3 client: request signing, retries, listing), so a destination is one
//! type whatever it is. An archive is a folder under the destination's root:
//! `<root>/<archive>/manifest.json` and `<root>/<archive>/<table>/<n>.jsonl`,
//! the parts as the component made them, byte for byte. The manifest is
//! written last, so an archive without one is an interrupted copy.
//!
//! What to keep is not decided here: [`prune`] lists the archives, hands their
//! kinds and instants to the core's rule ([`worklogs_core::retention::keep`],
//! the one `backup.prune` applies to the app's own storage) and deletes the
//! rest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};
use serde::Deserialize;
use worklogs_core::retention::{keep, Retention};

/// The manifest's name in an archive.
pub const MANIFEST: &str = "manifest.json";

/// Where archives go: flags, or the environment variables they name.
/// S3 credentials come from the environment only (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`), never from
/// a flag, which would show in the process list.
#[derive(Args, Debug, Clone, Default)]
pub struct DestinationFlags {
    /// A directory to write archives to, one folder each.
    #[arg(long, value_name = "DIR", env = "WORKLOGS_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// An S3-compatible bucket to write archives to.
    #[arg(long, value_name = "BUCKET", env = "WORKLOGS_BACKUP_S3_BUCKET")]
    pub backup_s3_bucket: Option<String>,
    /// The S3 endpoint, for storage other than AWS (such as
    /// http://127.0.0.1:9000); AWS's for the region when not given.
    #[arg(long, value_name = "URL", env = "WORKLOGS_BACKUP_S3_URL")]
    pub backup_s3_url: Option<String>,
    /// The folder in the bucket archives go under.
    #[arg(
        long,
        value_name = "PREFIX",
        env = "WORKLOGS_BACKUP_S3_PREFIX",
        default_value = "worklogs-backups"
    )]
    pub backup_s3_prefix: String,
    /// The directory's retention of scheduled archives, DAILY,MONTHLY,YEARLY
    /// (default: the site's, `backup.settings.save`).
    #[arg(long, value_name = "D,M,Y", value_parser = parse_retention)]
    pub backup_dir_retention: Option<Retention>,
    /// The bucket's retention of scheduled archives, DAILY,MONTHLY,YEARLY
    /// (default: the site's).
    #[arg(long, value_name = "D,M,Y", value_parser = parse_retention)]
    pub backup_s3_retention: Option<Retention>,
}

impl DestinationFlags {
    /// Whether any destination is configured.
    pub fn any(&self) -> bool {
        self.backup_dir.is_some() || self.backup_s3_bucket.is_some()
    }
}

/// `7,12,5` as a retention.
///
/// # Errors
///
/// A message naming the value when it is not three whole numbers.
pub fn parse_retention(text: &str) -> Result<Retention, String> {
    let numbers: Vec<u32> = text
        .split(',')
        .map(|n| n.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{text:?} is not DAILY,MONTHLY,YEARLY (such as 7,12,5)"))?;
    match numbers[..] {
        [daily, monthly, yearly] => Ok(Retention {
            daily,
            monthly,
            yearly,
        }),
        _ => Err(format!(
            "{text:?} is not DAILY,MONTHLY,YEARLY (such as 7,12,5)"
        )),
    }
}

/// One place archives are written to and read from.
#[derive(Clone)]
pub struct Destination {
    /// How it is named in messages: the directory, or `s3://bucket/prefix`.
    pub name: String,
    store: Arc<dyn ObjectStore>,
    root: Key,
    /// The directory, for a directory destination.
    dir: Option<PathBuf>,
    /// Its retention, when not the site's.
    pub retention: Option<Retention>,
}

impl std::fmt::Debug for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// An archive found in a destination, as its manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its folder's name (the archive id).
    pub archive: String,
    /// `manual`, `scheduled` or `uploaded`; none when it has no manifest
    /// (an interrupted copy) or the manifest cannot be read.
    pub kind: Option<String>,
    /// When it was made.
    pub created_at_ms: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestHead {
    kind: String,
    created_at_ms: i64,
}

/// What pruning a destination did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Archives deleted.
    pub deleted: Vec<String>,
    /// Scheduled archives kept.
    pub kept: usize,
}

/// The destinations the flags configure, the directory first.
///
/// # Errors
///
/// A message naming the flag when one cannot be used (a directory that cannot
/// be created, an S3 configuration the client refuses).
pub fn configured(flags: &DestinationFlags) -> Result<Vec<Destination>, String> {
    let mut out = Vec::new();
    if let Some(dir) = &flags.backup_dir {
        out.push(directory(dir, flags.backup_dir_retention)?);
    }
    match (&flags.backup_s3_bucket, &flags.backup_s3_url) {
        (Some(bucket), url) => out.push(s3(
            bucket,
            url.as_deref(),
            &flags.backup_s3_prefix,
            flags.backup_s3_retention,
        )?),
        (None, Some(_)) => {
            return Err(
                "--backup-s3-url is given without --backup-s3-bucket (WORKLOGS_BACKUP_S3_BUCKET)"
                    .to_owned(),
            )
        }
        (None, None) => {}
    }
    Ok(out)
}

/// A directory destination (created when missing).
///
/// # Errors
///
/// When the directory cannot be created or opened.
pub fn directory(dir: &Path, retention: Option<Retention>) -> Result<Destination, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("--backup-dir {}: cannot create it: {e}", dir.display()))?;
    let store = LocalFileSystem::new_with_prefix(dir)
        .map_err(|e| format!("--backup-dir {}: {e}", dir.display()))?;
    Ok(Destination {
        name: dir.display().to_string(),
        store: Arc::new(store),
        root: Key::default(),
        dir: Some(dir.to_path_buf()),
        retention,
    })
}

/// An S3-compatible destination: the bucket, at `endpoint` (AWS's when none),
/// archives under `prefix`; credentials and region from the environment.
///
/// # Errors
///
/// When the client refuses the configuration.
pub fn s3(
    bucket: &str,
    endpoint: Option<&str>,
    prefix: &str,
    retention: Option<Retention>,
) -> Result<Destination, String> {
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    if let Some(url) = endpoint {
        builder = builder
            .with_endpoint(url)
            .with_allow_http(url.starts_with("http://"));
    }
    let store = builder
        .build()
        .map_err(|e| format!("--backup-s3-bucket {bucket}: {e}"))?;
    let root = Key::from(prefix.trim_matches('/'));
    let name = if root.as_ref().is_empty() {
        format!("s3://{bucket}")
    } else {
        format!("s3://{bucket}/{root}")
    };
    Ok(Destination {
        name,
        store: Arc::new(store),
        root,
        dir: None,
        retention,
    })
}

impl Destination {
    fn key(&self, archive: &str, part: &str) -> Key {
        let mut key = self.root.child(archive);
        for piece in part.split('/') {
            key = key.child(piece);
        }
        key
    }

    /// Where `archive` is, for a person.
    pub fn place(&self, archive: &str) -> String {
        format!("{}/{archive}/", self.name.trim_end_matches('/'))
    }

    /// Writes one part of `archive`.
    ///
    /// # Errors
    ///
    /// The storage's error, naming the destination and the part.
    pub async fn put(&self, archive: &str, part: &str, content: &[u8]) -> Result<(), String> {
        self.store
            .put(&self.key(archive, part), PutPayload::from(content.to_vec()))
            .await
            .map(|_| ())
            .map_err(|e| format!("{}: cannot write {archive}/{part}: {e}", self.name))
    }

    /// Reads one part of `archive`; none when it is not there.
    ///
    /// # Errors
    ///
    /// The storage's error (but "not found"), naming the destination.
    pub async fn get(&self, archive: &str, part: &str) -> Result<Option<Vec<u8>>, String> {
        let key = self.key(archive, part);
        let read = async {
            let found = self.store.get(&key).await?;
            found.bytes().await
        };
        match read.await {
            Ok(bytes) => Ok(Some(bytes.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(format!("{}: cannot read {archive}/{part}: {e}", self.name)),
        }
    }

    /// The archives in the destination (folders under its root), by name.
    ///
    /// # Errors
    ///
    /// The storage's error, naming the destination.
    pub async fn list(&self) -> Result<Vec<Stored>, String> {
        let prefix = (!self.root.as_ref().is_empty()).then_some(&self.root);
        let listing = self
            .store
            .list_with_delimiter(prefix)
            .await
            .map_err(|e| format!("{}: cannot list: {e}", self.name))?;
        let mut out = Vec::new();
        for folder in listing.common_prefixes {
            let Some(archive) = folder.filename().map(str::to_owned) else {
                continue;
            };
            let head = self
                .get(&archive, MANIFEST)
                .await?
                .and_then(|bytes| serde_json::from_slice::<ManifestHead>(&bytes).ok());
            out.push(Stored {
                archive,
                kind: head.as_ref().map(|h| h.kind.clone()),
                created_at_ms: head.map_or(0, |h| h.created_at_ms),
            });
        }
        out.sort_by(|a, b| a.archive.cmp(&b.archive));
        Ok(out)
    }

    /// Deletes every object of `archive`, the manifest first (so that a
    /// deletion cut short leaves an interrupted copy, never an archive that
    /// looks whole).
    ///
    /// # Errors
    ///
    /// The storage's error, naming the destination.
    pub async fn delete(&self, archive: &str) -> Result<(), String> {
        let manifest = self.key(archive, MANIFEST);
        match self.store.delete(&manifest).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(format!("{}: cannot delete {archive}: {e}", self.name)),
        }
        let folder = self.root.child(archive);
        let keys: Vec<Key> = self
            .store
            .list(Some(&folder))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(|e| format!("{}: cannot list {archive}: {e}", self.name))?;
        for key in keys {
            match self.store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(format!("{}: cannot delete {key}: {e}", self.name)),
            }
        }
        if let Some(dir) = &self.dir {
            // A directory keeps the emptied folders: remove them.
            let _ = std::fs::remove_dir_all(dir.join(archive));
        }
        Ok(())
    }
}

/// The archives of `stored` that `rule` does not keep: scheduled ones, by the
/// core's rule over their instants (as `backup.prune` for the app's own
/// storage). Manual and uploaded archives stay until deleted, and so do
/// folders without a manifest (a copy under way, or one cut short: the next
/// copy of that archive completes it).
pub fn to_delete(stored: &[Stored], rule: Retention) -> (Vec<String>, usize) {
    let scheduled: Vec<&Stored> = stored
        .iter()
        .filter(|s| s.kind.as_deref() == Some("scheduled"))
        .collect();
    let created: Vec<i64> = scheduled.iter().map(|s| s.created_at_ms).collect();
    let kept = keep(&created, rule);
    let deleted = scheduled
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept.contains(i))
        .map(|(_, s)| s.archive.clone())
        .collect();
    (deleted, kept.len())
}

/// Applies retention to one destination: lists it, asks the core's rule what
/// to keep, deletes the rest.
///
/// # Errors
///
/// The storage's error, naming the destination; archives deleted before it
/// stay deleted.
pub async fn prune(destination: &Destination, site_rule: Retention) -> Result<Pruned, String> {
    let rule = destination.retention.unwrap_or(site_rule);
    let stored = destination.list().await?;
    let (deleted, kept) = to_delete(&stored, rule);
    for archive in &deleted {
        destination.delete(archive).await?;
    }
    Ok(Pruned { deleted, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn stored(archive: &str, kind: &str, day: i64) -> Stored {
        Stored {
            archive: archive.to_owned(),
            kind: Some(kind.to_owned()),
            created_at_ms: day * DAY,
        }
    }

    #[test]
    fn retention_parses_three_numbers() {
        assert_eq!(
            parse_retention("7,12,5"),
            Ok(Retention {
                daily: 7,
                monthly: 12,
                yearly: 5
            })
        );
        assert!(parse_retention("7,12").unwrap_err().contains("7,12"));
        assert!(parse_retention("a,b,c").is_err());
    }

    #[test]
    fn only_scheduled_archives_are_pruned_by_the_cores_rule() {
        let mut all: Vec<Stored> = (0..10)
            .map(|d| stored(&format!("s{d:02}"), "scheduled", d))
            .collect();
        all.push(stored("manual-old", "manual", 0));
        all.push(Stored {
            archive: "interrupted".into(),
            kind: None,
            created_at_ms: 0,
        });
        let rule = Retention {
            daily: 3,
            monthly: 0,
            yearly: 0,
        };
        let (deleted, kept) = to_delete(&all, rule);
        assert_eq!(kept, 3);
        let expected: Vec<String> = (0..7).map(|d| format!("s{d:02}")).collect();
        assert_eq!(deleted, expected);
    }

    #[tokio::test]
    async fn a_directory_round_trips_lists_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = directory(&dir.path().join("backups"), None).unwrap();
        for (archive, day) in [("a1", 1), ("a2", 2), ("a3", 3)] {
            dest.put(archive, "settings/00001.jsonl", b"[\"x\"]\n")
                .await
                .unwrap();
            let manifest = format!(r#"{{"kind":"scheduled","createdAtMs":{}}}"#, day * DAY);
            dest.put(archive, MANIFEST, manifest.as_bytes())
                .await
                .unwrap();
        }
        dest.put("cut", "settings/00001.jsonl", b"x").await.unwrap();
        assert_eq!(
            dest.get("a1", "settings/00001.jsonl").await.unwrap(),
            Some(b"[\"x\"]\n".to_vec())
        );
        assert_eq!(dest.get("a1", "nothing.jsonl").await.unwrap(), None);
        let listed = dest.list().await.unwrap();
        let names: Vec<&str> = listed.iter().map(|s| s.archive.as_str()).collect();
        assert_eq!(names, ["a1", "a2", "a3", "cut"]);
        assert_eq!(listed[3].kind, None);
        let rule = Retention {
            daily: 2,
            monthly: 0,
            yearly: 0,
        };
        let pruned = prune(&dest, rule).await.unwrap();
        assert_eq!(pruned.deleted, ["a1"]);
        assert_eq!(pruned.kept, 2);
        assert!(!dir.path().join("backups/a1").exists());
        let names: Vec<String> = dest
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.archive)
            .collect();
        assert_eq!(names, ["a2", "a3", "cut"]);
    }

    #[test]
    fn s3_needs_a_bucket_and_names_itself() {
        let flags = DestinationFlags {
            backup_s3_url: Some("http://127.0.0.1:1".into()),
            ..DestinationFlags::default()
        };
        assert!(configured(&flags)
            .unwrap_err()
            .contains("--backup-s3-bucket"));
        let dest = s3("b", Some("http://127.0.0.1:1"), "/x/y/", None).unwrap();
        assert_eq!(dest.name, "s3://b/x/y");
        assert_eq!(dest.place("a"), "s3://b/x/y/a/");
    }
}
