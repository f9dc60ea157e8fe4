//! The site seen whole: the summary `GET /sim/demo` returns, and a fingerprint
//! of its data for determinism checks.

use serde_json::{json, Value};

use super::{Visibility, World};
use crate::ids;

/// A running hash for [`World::fingerprint`].
struct Fingerprint(u64);

impl Fingerprint {
    fn num(&mut self, n: i64) -> &mut Fingerprint {
        self.0 = ids::mix64(self.0 ^ (n as u64).wrapping_add(0x9e37_79b9_7f4a_7c15));
        self
    }

    fn text(&mut self, s: &str) -> &mut Fingerprint {
        self.num(ids::small_hash(s) as i64)
    }
}

impl World {
    /// What `GET /sim/demo` returns: the people, projects, a few issues and the time
    /// tracking settings.
    pub fn summary(&self) -> Value {
        let accounts: Vec<Value> = self
            .accounts
            .iter()
            .filter(|a| !a.app)
            .map(|a| {
                json!({
                    "alias": a.alias,
                    "accountId": a.account_id,
                    "displayName": a.display_name,
                    "emailAddress": a.email,
                    "timeZone": a.tz.name(),
                    "locale": a.locale,
                    "groups": a.groups.iter().map(|&g| &self.groups[g as usize].name).collect::<Vec<_>>(),
                })
            })
            .collect();
        let app = &self.accounts[self.app_account as usize];
        let projects: Vec<Value> = self
            .projects
            .iter()
            .map(|p| json!({ "key": p.key, "name": p.name, "id": p.id.to_string() }))
            .collect();
        let mut issues = Vec::new();
        for (pi, _) in self.projects.iter().enumerate() {
            issues.extend(
                self.issues
                    .iter()
                    .filter(|i| i.project as usize == pi)
                    .take(3)
                    .map(|i| self.issue_key(i)),
            );
        }
        json!({
            "accounts": accounts,
            "app": { "alias": app.alias, "accountId": app.account_id, "displayName": app.display_name },
            "projects": projects,
            "issues": issues,
            "issueCount": self.issues.len(),
            "worklogCount": self.worklog_count(),
            "timeTracking": self.config.to_json(),
        })
    }

    /// A hash of the site's data (people, issues, worklogs, properties), stable
    /// across runs and platforms: equal worlds have equal fingerprints. For
    /// determinism checks.
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fingerprint(0x6a09_e667_f3bc_c908);
        for a in &self.accounts {
            h.text(&a.alias)
                .text(&a.account_id)
                .text(&a.display_name)
                .text(a.tz.name());
            a.groups.iter().for_each(|&g| {
                h.num(i64::from(g));
            });
        }
        for i in &self.issues {
            h.text(&self.issue_key(i))
                .text(&i.summary)
                .text(i.issue_type.id())
                .text(i.status.id());
            for n in [
                i.original.unwrap_or(-1),
                i.remaining.unwrap_or(-1),
                i.spent,
                i.created,
                i.updated,
            ] {
                h.num(n);
            }
        }
        for w in &self.worklogs {
            let vis = match w.visibility {
                Visibility::All => 0,
                Visibility::Group(g) => 1 + 2 * i64::from(g),
                Visibility::Role(r) => 2 + 2 * i64::from(r),
            };
            for n in [
                i64::from(w.issue),
                i64::from(w.author),
                i64::from(w.update_author),
                i64::from(w.seconds),
                w.started,
                w.created,
                w.updated,
                w.comment.map_or(-1, i64::from),
                vis,
                i64::from(w.deleted),
            ] {
                h.num(n);
            }
        }
        for (id, props) in &self.properties {
            h.num(*id as i64);
            for (k, v) in props {
                h.text(k).text(&v.to_string());
            }
        }
        h.0
    }
}
