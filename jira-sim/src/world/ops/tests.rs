//! Tests of estimates and worklog input.

use super::input::parse_started;
use super::*;

#[test]
fn estimate_table() {
    use Adjust::*;
    use Op::*;
    let h = 3600;
    for (op, adj, rem, old, new, want) in [
        (Create, Auto, Some(5 * h), 0, 2 * h, Some(3 * h)),
        (Create, Auto, Some(h), 0, 2 * h, Some(0)),
        (Create, Auto, None, 0, 2 * h, None),
        (Create, Leave, Some(h), 0, 2 * h, Some(h)),
        (Create, New(7 * h), Some(h), 0, 2 * h, Some(7 * h)),
        (Create, Manual(h), Some(3 * h), 0, 2 * h, Some(2 * h)),
        (Create, Manual(5 * h), Some(3 * h), 0, 2 * h, Some(0)),
        (Create, Manual(h), None, 0, 2 * h, Some(0)),
        (Update, Auto, Some(5 * h), 2 * h, 3 * h, Some(4 * h)),
        (Update, Auto, Some(5 * h), 3 * h, h, Some(7 * h)),
        (Update, Auto, Some(h), h, 4 * h, Some(0)),
        (Update, Leave, Some(h), h, 4 * h, Some(h)),
        (Update, New(0), Some(h), h, 4 * h, Some(0)),
        (Delete, Auto, Some(h), 2 * h, 0, Some(3 * h)),
        (Delete, Auto, None, 2 * h, 0, None),
        (Delete, Manual(h), Some(h), 2 * h, 0, Some(2 * h)),
        (Delete, Leave, Some(h), 2 * h, 0, Some(h)),
        (Delete, New(h / 2), Some(h), 2 * h, 0, Some(h / 2)),
    ] {
        assert_eq!(
            adjust_remaining(op, adj, rem, old, new),
            want,
            "{op:?} {adj:?} {rem:?}"
        );
    }
}

#[test]
fn started_is_strict() {
    assert_eq!(
        parse_started("2026-11-24T09:30:00.000+0000"),
        Some(1_795_512_600_000)
    );
    assert_eq!(
        parse_started("2026-11-24T10:30:00.000+0100"),
        Some(1_795_512_600_000)
    );
    for bad in [
        "2026-11-24T09:30:00+0000",
        "2026-11-24T09:30:00.000Z",
        "2026-11-24T09:30:00.000+01:00",
        "2026-11-24 09:30:00.000+0000",
        "2026-13-24T09:30:00.000+0000",
        "",
    ] {
        assert_eq!(parse_started(bad), None, "{bad}");
    }
}
