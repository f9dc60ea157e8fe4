//! Personal access keys: for tools that cannot sign in (Power BI, Excel,
//! scripts), a person creates named keys, lists and revokes them; a key acts as
//! its owner only, over HTTP Basic authentication (`user:key`, the user being
//! the owner).
//!
//! A key is `wlk_<id>_<secret>`: a public id of 64 random bits that finds the
//! row, and a secret of 256 random bits. Only the SHA-256 of the secret is
//! stored, and the whole key is shown once, when created. A slow password hash
//! (argon2, bcrypt) protects low-entropy passwords from guessing after a
//! database leak; a 256-bit random secret cannot be guessed either way, and
//! every request of a feed checks its key, so one fast hash is the right cost.
//! The comparison is constant-time.
//!
//! Keys are the host's own bookkeeping, like `_migrations`: a table
//! `_access_keys` in the app's database, per installation. They exist only
//! where this server runs (a Forge app has no feed and no keys), and the
//! component never sees them: it gets the acting account, as for any request.

use sha2::{Digest, Sha256};

use crate::limits::Limits;
use crate::protocol::{SqlRows, SqlStatement, TaskError, Value};
use crate::sql::{perform, Database};

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _access_keys (\
    installation VARCHAR(255) NOT NULL, \
    id VARCHAR(32) NOT NULL, \
    account VARCHAR(255) NOT NULL, \
    name VARCHAR(255) NOT NULL, \
    secret_sha256 VARCHAR(64) NOT NULL, \
    created_ms BIGINT NOT NULL, \
    revoked_ms BIGINT, \
    PRIMARY KEY (installation, id))";
const INSERT: &str = "INSERT INTO _access_keys \
    (installation, id, account, name, secret_sha256, created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?, ?, NULL)";
// When a key was last used lives beside the keys (a table of its own: the
// keys' table predates it, and needs no migration).
const CREATE_USES: &str = "CREATE TABLE IF NOT EXISTS _access_key_uses (\
    installation VARCHAR(255) NOT NULL, \
    id VARCHAR(32) NOT NULL, \
    used_ms BIGINT NOT NULL, \
    PRIMARY KEY (installation, id))";
const LIST: &str =
    "SELECT k.id, k.name, k.created_ms, k.revoked_ms, u.used_ms FROM _access_keys k \
    LEFT JOIN _access_key_uses u ON u.installation = k.installation AND u.id = k.id \
    WHERE k.installation = ? AND k.account = ? ORDER BY k.created_ms, k.id LIMIT 200";
const FORGET_USE: &str = "DELETE FROM _access_key_uses WHERE installation = ? AND id = ?";
const USE: &str = "INSERT INTO _access_key_uses (installation, id, used_ms) VALUES (?, ?, ?)";
const FIND: &str = "SELECT account, secret_sha256, revoked_ms FROM _access_keys \
    WHERE installation = ? AND id = ?";
const REVOKE: &str = "UPDATE _access_keys SET revoked_ms = ? \
    WHERE installation = ? AND id = ? AND account = ? AND revoked_ms IS NULL";

/// The prefix of every key.
pub const PREFIX: &str = "wlk_";
/// The most keys a person may hold (revoked ones included).
pub const MAX_KEYS: usize = 50;
/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A key as its owner lists it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// The public id.
    pub id: String,
    /// The owner's name for it.
    pub name: String,
    /// When it was created, epoch milliseconds.
    pub created_ms: i64,
    /// When it was revoked, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_ms: Option<i64>,
    /// When it last opened the feed, if it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_ms: Option<i64>,
}

/// The keys of one installation in its database.
pub struct Keys<'a> {
    database: &'a dyn Database,
    limits: &'a Limits,
    installation: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_hex(bytes: usize) -> Result<String, TaskError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|err| TaskError::internal(format!("no random source for a key: {err}")))?;
    Ok(hex(&buffer))
}

fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn text(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

fn int(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

impl<'a> Keys<'a> {
    /// The keys of `installation` in `database`.
    pub fn new(database: &'a dyn Database, limits: &'a Limits, installation: &'a str) -> Self {
        Keys {
            database,
            limits,
            installation,
        }
    }

    async fn run(&self, sql: &str, params: Vec<Value>) -> Result<SqlRows, TaskError> {
        let mut answers = perform(
            self.database,
            self.limits,
            vec![
                SqlStatement {
                    sql: CREATE.into(),
                    params: vec![],
                },
                SqlStatement {
                    sql: CREATE_USES.into(),
                    params: vec![],
                },
                SqlStatement {
                    sql: sql.into(),
                    params,
                },
            ],
        )
        .await;
        let answer = answers
            .pop()
            .unwrap_or_else(|| Err(TaskError::internal("the database skipped a statement")));
        for created in answers {
            created?;
        }
        answer
    }

    /// The keys `account` holds, oldest first.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn list(&self, account: &str) -> Result<Vec<KeyInfo>, TaskError> {
        let rows = self
            .run(
                LIST,
                vec![
                    Value::Text(self.installation.into()),
                    Value::Text(account.into()),
                ],
            )
            .await?;
        Ok(rows
            .rows
            .iter()
            .map(|row| KeyInfo {
                id: text(row.first()).unwrap_or_default(),
                name: text(row.get(1)).unwrap_or_default(),
                created_ms: int(row.get(2)).unwrap_or_default(),
                revoked_ms: int(row.get(3)),
                last_used_ms: int(row.get(4)),
            })
            .collect())
    }

    /// Creates a key named `name` for `account` at `now_ms`: its listing and
    /// the whole key, to show once.
    ///
    /// # Errors
    ///
    /// `invalid-input` for a blank or long name; `limit` past [`MAX_KEYS`];
    /// the database's.
    pub async fn create(
        &self,
        account: &str,
        name: &str,
        now_ms: i64,
    ) -> Result<(KeyInfo, String), TaskError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(TaskError::invalid_input(format!(
                "field \"name\": {name:?}: expected 1 to {MAX_NAME_CHARS} characters, not blank"
            )));
        }
        if self.list(account).await?.len() >= MAX_KEYS {
            return Err(TaskError::new(
                crate::protocol::ErrorCode::Limit,
                format!("a person holds at most {MAX_KEYS} keys: delete one first"),
            ));
        }
        let id = random_hex(8)?;
        let secret = random_hex(32)?;
        self.run(
            INSERT,
            vec![
                Value::Text(self.installation.into()),
                Value::Text(id.clone()),
                Value::Text(account.into()),
                Value::Text(name.into()),
                Value::Text(digest(&secret)),
                Value::Int(now_ms),
            ],
        )
        .await?;
        let info = KeyInfo {
            id: id.clone(),
            name: name.into(),
            created_ms: now_ms,
            revoked_ms: None,
            last_used_ms: None,
        };
        Ok((info, format!("{PREFIX}{id}_{secret}")))
    }

    /// Revokes `account`'s key `id` at `now_ms`.
    ///
    /// # Errors
    ///
    /// `not-found` when `account` holds no such unrevoked key (someone else's
    /// key is not found either); the database's.
    pub async fn revoke(&self, account: &str, id: &str, now_ms: i64) -> Result<(), TaskError> {
        let done = self
            .run(
                REVOKE,
                vec![
                    Value::Int(now_ms),
                    Value::Text(self.installation.into()),
                    Value::Text(id.into()),
                    Value::Text(account.into()),
                ],
            )
            .await?;
        if done.rows_affected == 0 {
            return Err(TaskError::new(
                crate::protocol::ErrorCode::NotFound,
                format!("no key {id:?} of yours to revoke"),
            ));
        }
        Ok(())
    }

    /// The owner of `key`, when it is a key of this installation that is not
    /// revoked; `None` otherwise (malformed, unknown, wrong secret, revoked).
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn owner(&self, key: &str) -> Result<Option<String>, TaskError> {
        let Some((id, secret)) = key
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once('_'))
        else {
            return Ok(None);
        };
        if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let rows = self
            .run(
                FIND,
                vec![
                    Value::Text(self.installation.into()),
                    Value::Text(id.into()),
                ],
            )
            .await?;
        let Some(row) = rows.rows.first() else {
            return Ok(None);
        };
        let stored = text(row.get(1)).unwrap_or_default();
        let same: bool =
            subtle::ConstantTimeEq::ct_eq(digest(secret).as_bytes(), stored.as_bytes()).into();
        if !same || int(row.get(2)).is_some() {
            return Ok(None);
        }
        Ok(text(row.first()))
    }

    /// Notes that the key with public id `id` was used at `now_ms`.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn used(&self, key: &str, now_ms: i64) -> Result<(), TaskError> {
        let Some((id, _)) = key
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once('_'))
        else {
            return Ok(());
        };
        let params = vec![
            Value::Text(self.installation.into()),
            Value::Text(id.into()),
        ];
        self.run(FORGET_USE, params.clone()).await?;
        let mut params = params;
        params.push(Value::Int(now_ms));
        self.run(USE, params).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Sqlite;

    #[tokio::test]
    async fn keys_act_for_their_owner_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let database = Sqlite::open(dir.path(), &limits).unwrap();
        let keys = Keys::new(&database, &limits, "local");
        let (info, key) = keys.create("acc-a", "Power BI", 1).await.unwrap();
        assert!(key.starts_with(PREFIX) && key.contains(&info.id));
        assert_eq!(key.len(), PREFIX.len() + 16 + 1 + 64);
        assert_eq!(keys.owner(&key).await.unwrap().as_deref(), Some("acc-a"));
        assert_eq!(keys.list("acc-a").await.unwrap(), vec![info.clone()]);
        assert!(keys.list("acc-b").await.unwrap().is_empty());
        // A wrong secret, a malformed key, someone else's revocation: nothing.
        // (Another last digit: the same one 1 time in 16 would make it the key.)
        let last = if key.ends_with('0') { '1' } else { '0' };
        let wrong = format!("{}{last}", &key[..key.len() - 1]);
        assert_eq!(keys.owner(&wrong).await.unwrap(), None);
        assert_eq!(keys.owner("wlk_x_y").await.unwrap(), None);
        assert_eq!(keys.owner("").await.unwrap(), None);
        assert!(keys.revoke("acc-b", &info.id, 2).await.is_err());
        assert!(keys.owner(&key).await.unwrap().is_some());
        keys.revoke("acc-a", &info.id, 3).await.unwrap();
        assert_eq!(keys.owner(&key).await.unwrap(), None);
        assert_eq!(keys.list("acc-a").await.unwrap()[0].revoked_ms, Some(3));
        assert!(keys.revoke("acc-a", &info.id, 4).await.is_err());
        // Only the hash is stored.
        let rows = keys
            .run("SELECT secret_sha256 FROM _access_keys", vec![])
            .await
            .unwrap();
        let stored = text(rows.rows[0].first()).unwrap();
        assert!(!key.contains(&stored));
        assert!(keys.create("acc-a", "  ", 5).await.is_err());
    }

    #[tokio::test]
    async fn a_keys_last_use_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let database = Sqlite::open(dir.path(), &limits).unwrap();
        let keys = Keys::new(&database, &limits, "local");
        let (info, key) = keys.create("acc-a", "Excel", 1).await.unwrap();
        assert_eq!(keys.list("acc-a").await.unwrap()[0].last_used_ms, None);
        keys.used(&key, 7).await.unwrap();
        keys.used(&key, 9).await.unwrap();
        let listed = keys.list("acc-a").await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, info.id);
        assert_eq!(listed[0].last_used_ms, Some(9));
    }
}
