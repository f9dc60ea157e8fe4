//! Tests of JQL parsing and evaluation.

use super::parse::period_ms;
use super::*;
use crate::error::Result;

fn keys(world: &World, jql: &str, who: &str) -> Result<Vec<String>> {
    let a = world.find_account(who).unwrap_or(0);
    let access = world.access(a);
    let env = Env {
        world,
        access: &access,
        tz: world.accounts[a as usize].tz,
        now_ms: 1_795_500_000_000,
    };
    let q = Query::parse(jql, &env)?;
    Ok(q.run(&env)
        .into_iter()
        .map(|i| world.issue_key(&world.issues[i as usize]))
        .collect())
}

#[test]
fn queries() {
    let w = World::demo(1);
    let alpha = keys(&w, "project = ALPHA", "alice").unwrap_or_default();
    assert!(alpha.len() >= 20 && alpha.iter().all(|k| k.starts_with("ALPHA-")));
    assert_eq!(
        keys(&w, "key in (ALPHA-2, beta-3) ORDER BY key DESC", "alice").unwrap_or_default(),
        ["BETA-3", "ALPHA-2"]
    );
    assert_eq!(
        keys(&w, "project = ALPHA AND issuetype = Epic", "bob").unwrap_or_default(),
        ["ALPHA-1"]
    );
    // OPS is invisible to alice: naming it is an error, as in Jira.
    assert_eq!(
        keys(&w, "project = OPS", "alice").map_err(|e| e.status),
        Err(400)
    );
    assert!(keys(&w, "project in (OPS) OR key = OPS-2", "frank").is_ok_and(|k| k.len() >= 6));
    assert_eq!(
        keys(&w, "nonsense = 1", "alice").map_err(|e| e.status),
        Err(400)
    );
    assert_eq!(
        keys(&w, "project = ", "alice").map_err(|e| e.status),
        Err(400)
    );
    assert_eq!(
        keys(&w, "project ~ ALPHA", "alice").map_err(|e| e.status),
        Err(400)
    );
    let updated =
        keys(&w, "updated >= \"2026-01-01\" AND project = BETA", "carol").unwrap_or_default();
    assert!(!updated.is_empty());
    assert!(keys(&w, "updated >= -4w 2d", "carol").is_ok());
    assert!(keys(
        &w,
        "worklogAuthor = currentUser() AND worklogDate >= 2026-11-01",
        "carol"
    )
    .is_ok_and(|k| !k.is_empty()));
    assert!(
        keys(&w, "parent = ALPHA-1 AND NOT status = Done", "alice").is_ok_and(|k| !k.is_empty())
    );
}

#[test]
fn order_by_only_is_unbounded() {
    let w = World::demo(1);
    let access = w.access(0);
    let env = Env {
        world: &w,
        access: &access,
        tz: Tz::UTC,
        now_ms: 0,
    };
    assert!(Query::parse("order by key desc", &env).is_ok_and(|q| q.is_unbounded()));
    assert!(Query::parse("", &env).is_ok_and(|q| q.is_unbounded()));
}

#[test]
fn periods() {
    assert_eq!(period_ms("-5d"), Some(-5 * 86_400_000));
    assert_eq!(period_ms("4w 2d"), Some(30 * 86_400_000));
    assert_eq!(period_ms("-30m"), Some(-1_800_000));
    assert_eq!(period_ms("2026-01-01"), None);
    assert_eq!(period_ms("-5é"), None);
    assert_eq!(period_ms("99999999999999999w"), None);
}
