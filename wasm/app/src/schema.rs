//! The app's SQL schema, as ordered migrations in the portable subset that runs on
//! SQLite and on Forge SQL (TiDB, MySQL dialect): no foreign keys, no
//! `ON CONFLICT` / `ON DUPLICATE KEY`, `VARCHAR` lengths on key columns, instants
//! as `BIGINT` epoch milliseconds.
//!
//! A host applies each migration it has not applied before for an installation,
//! in order, and records its name. Migrations are never edited or reordered once
//! released: a change is a new migration at the end.

use crate::protocol::Migration;

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    name: "0001-settings",
    statement: "CREATE TABLE IF NOT EXISTS settings (\
        installation VARCHAR(255) NOT NULL, \
        name VARCHAR(64) NOT NULL, \
        value TEXT NOT NULL, \
        updated_ms BIGINT NOT NULL, \
        PRIMARY KEY (installation, name))",
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_ordered() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn statements_are_single_and_portable() {
        for m in MIGRATIONS {
            let upper = m.statement.to_uppercase();
            assert!(!m.statement.contains(';'), "{}", m.name);
            for banned in [
                "FOREIGN KEY",
                "REFERENCES",
                "ON CONFLICT",
                "ON DUPLICATE KEY",
                "AUTOINCREMENT",
            ] {
                assert!(!upper.contains(banned), "{}: {banned}", m.name);
            }
        }
    }

    #[test]
    fn migrations_apply_to_sqlite() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            db.execute(m.statement, []).unwrap();
            // Applying twice is harmless too.
            db.execute(m.statement, []).unwrap();
        }
    }
}
