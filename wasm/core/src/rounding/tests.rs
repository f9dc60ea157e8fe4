//! Tests of rounding rules, durations and civil times.

use proptest::prelude::*;

use super::*;
use crate::calendar::{format_utc, parse_instant, to_local, Instant, Zone};

fn s(n: u64) -> Seconds {
    Seconds::new(n).unwrap()
}

fn rule(mode: RoundMode, minutes: u32) -> RoundingRule {
    RoundingRule::new(mode, minutes, Target::PerWorklog).unwrap()
}

#[test]
fn duration_table() {
    use RoundMode::*;
    let table: &[(RoundMode, u32, u64, u64)] = &[
        (None, 15, 61, 61),
        (Up, 15, 0, 0),
        (Up, 15, 1, 900),
        (Up, 15, 900, 900),
        (Up, 15, 901, 1800),
        (Down, 15, 899, 0),
        (Down, 15, 1799, 900),
        (Nearest, 15, 449, 0),
        (Nearest, 15, 450, 900),
        (Nearest, 15, 1349, 900),
        (Nearest, 15, 1350, 1800),
        (Nearest, 6, 180, 360),
        (Nearest, 1, 29, 0),
        (Nearest, 1, 30, 60),
        (Up, 1440, 1, 86_400),
    ];
    for &(mode, minutes, input, expected) in table {
        assert_eq!(
            round_duration(s(input), &rule(mode, minutes))
                .unwrap()
                .get(),
            expected,
            "{mode:?} {minutes} {input}"
        );
    }
    assert!(round_duration(Seconds::MAX, &rule(Up, 15))
        .unwrap_err()
        .is_overflow());
}

#[test]
fn per_worklog_and_total_differ_within_bounds() {
    let parts = [s(1200), s(1200), s(1200)];
    let each = rule(RoundMode::Nearest, 30);
    let once = RoundingRule::new(RoundMode::Nearest, 30, Target::Total).unwrap();
    assert_eq!(round_total(parts, &each).unwrap().get(), 3 * 1800);
    assert_eq!(round_total(parts, &once).unwrap().get(), 3600);
    assert_eq!(each.max_total_deviation(3).get(), 1800);
}

#[test]
fn civil_rounding_uses_the_wall_clock() {
    use RoundMode::*;
    // (zone, local start, minutes, mode, increment, rounded local start, rounded minutes)
    let table: &[(&str, &str, u64, RoundMode, u32, &str, u64)] = &[
        (
            "Asia/Kolkata",
            "2026-11-24T09:40:00+05:30",
            50,
            Nearest,
            60,
            "2026-11-24 10:00:00",
            60,
        ),
        (
            "Asia/Kolkata",
            "2026-11-24T09:40:00+05:30",
            50,
            Up,
            60,
            "2026-11-24 09:00:00",
            120,
        ),
        (
            "Asia/Kolkata",
            "2026-11-24T09:40:00+05:30",
            50,
            Down,
            60,
            "2026-11-24 10:00:00",
            0,
        ),
        (
            "Asia/Kathmandu",
            "2026-11-24T09:07:00+05:45",
            22,
            Nearest,
            15,
            "2026-11-24 09:00:00",
            30,
        ),
        (
            "Europe/Berlin",
            "2026-06-01T08:52:00+02:00",
            67,
            Up,
            15,
            "2026-06-01 08:45:00",
            75,
        ),
        (
            "Europe/Berlin",
            "2026-06-01T23:50:00+02:00",
            5,
            Nearest,
            60,
            "2026-06-02 00:00:00",
            0,
        ),
        // 7-minute grid restarts at midnight: 23:58 rounds up to 00:00.
        (
            "UTC",
            "2026-06-01T23:58:00Z",
            1,
            Up,
            7,
            "2026-06-01 23:55:00",
            5,
        ),
        // A start rounded up into Berlin's spring gap moves to the next grid time.
        (
            "Europe/Berlin",
            "2026-03-29T01:58:00+01:00",
            10,
            Nearest,
            15,
            "2026-03-29 03:00:00",
            15,
        ),
        (
            "Europe/Berlin",
            "2026-03-29T01:58:00+01:00",
            30,
            Down,
            15,
            "2026-03-29 03:00:00",
            15,
        ),
        // Lord Howe's 30-minute gap (02:00 to 02:30): rounding down lands at its end.
        (
            "Australia/Lord_Howe",
            "2026-10-04T02:40:00+11:00",
            20,
            Up,
            60,
            "2026-10-04 02:30:00",
            30,
        ),
    ];
    for &(name, start, minutes, mode, increment, expected_start, expected_minutes) in table {
        let zone = Zone::parse(name).unwrap();
        let r = round_civil(
            parse_instant(start).unwrap(),
            Seconds::from_minutes(minutes).unwrap(),
            zone,
            &rule(mode, increment),
        )
        .unwrap();
        assert_eq!(
            to_local(r.start, zone).unwrap().to_string(),
            expected_start,
            "{name} {start} {mode:?}"
        );
        assert_eq!(
            r.duration.get(),
            expected_minutes * 60,
            "{name} {start} {mode:?}"
        );
        let again = round_civil(r.start, r.duration, zone, &rule(mode, increment)).unwrap();
        assert_eq!(again, r, "idempotent: {name} {start} {mode:?}");
    }
}

#[test]
fn civil_rounding_keeps_the_pass_in_an_overlap() {
    // 02:20 CET, in Berlin's second 02:00–03:00 on 2026-10-25, rounds to 02:15 CET.
    let berlin = Zone::parse("Europe/Berlin").unwrap();
    let start = parse_instant("2026-10-25T02:20:00+01:00").unwrap();
    let r = round_civil(start, s(600), berlin, &rule(RoundMode::Down, 15)).unwrap();
    assert_eq!(format_utc(r.start).unwrap(), "2026-10-25T01:30:00.000Z");
    let first_pass = parse_instant("2026-10-25T02:20:00+02:00").unwrap();
    let r = round_civil(first_pass, s(600), berlin, &rule(RoundMode::Up, 15)).unwrap();
    assert_eq!(format_utc(r.start).unwrap(), "2026-10-25T00:15:00.000Z");
}

#[test]
fn unix_rounding_would_be_wrong_in_kolkata() {
    // The regression this module exists for: rounding the instant to the hour in
    // UTC gives 09:30 local, a half-hour grid nobody in Kolkata asked for.
    let kolkata = Zone::parse("Asia/Kolkata").unwrap();
    let start = parse_instant("2026-11-24T09:40:00+05:30").unwrap();
    let unix = Instant::from_millis(start.millis() - start.millis().rem_euclid(3_600_000));
    assert_eq!(
        to_local(unix, kolkata).unwrap().to_string(),
        "2026-11-24 09:30:00"
    );
    let civil = round_civil(start, s(60), kolkata, &rule(RoundMode::Up, 60)).unwrap();
    assert_eq!(
        to_local(civil.start, kolkata).unwrap().to_string(),
        "2026-11-24 09:00:00"
    );
}

#[test]
fn rules_from_json() {
    let r: RoundingRule =
        serde_json::from_str(r#"{"mode":"nearest","incrementMinutes":15,"target":"perWorklog"}"#)
            .unwrap();
    assert_eq!(
        (r.mode(), r.increment_minutes(), r.target()),
        (RoundMode::Nearest, 15, Target::PerWorklog)
    );
    let err =
        serde_json::from_str::<RoundingRule>(r#"{"mode":"up","incrementMinutes":0}"#).unwrap_err();
    assert!(
        err.to_string().contains("invalid incrementMinutes 0"),
        "{err}"
    );
    assert_eq!(
        serde_json::from_str::<RoundingRule>("{}").unwrap(),
        RoundingRule::NONE
    );
}

fn any_rule() -> impl Strategy<Value = RoundingRule> {
    let modes = prop_oneof![
        Just(RoundMode::None),
        Just(RoundMode::Up),
        Just(RoundMode::Down),
        Just(RoundMode::Nearest)
    ];
    let increments = prop_oneof![
        Just(1_u32),
        Just(5),
        Just(6),
        Just(7),
        Just(10),
        Just(15),
        Just(30),
        Just(60),
        Just(90),
        Just(1440),
        1_u32..=1440
    ];
    let targets = prop_oneof![Just(Target::PerWorklog), Just(Target::Total)];
    (modes, increments, targets).prop_map(|(m, i, t)| RoundingRule::new(m, i, t).unwrap())
}

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/Santiago",
];

proptest! {
    #[test]
    fn duration_rounding_is_idempotent(seconds in 0_u64..10_000_000, rule in any_rule()) {
        let once = round_duration(s(seconds), &rule).unwrap();
        prop_assert_eq!(round_duration(once, &rule).unwrap(), once);
        let step = u64::from(rule.increment_minutes()) * 60;
        prop_assert_eq!(
            once.get().is_multiple_of(step),
            rule.mode() != RoundMode::None || seconds.is_multiple_of(step)
        );
    }

    #[test]
    fn rounded_parts_stay_within_the_documented_bound(
        parts in proptest::collection::vec(0_u64..100_000, 0..40),
        rule in any_rule(),
    ) {
        let parts: Vec<Seconds> = parts.into_iter().map(s).collect();
        let each = RoundingRule::new(rule.mode(), rule.increment_minutes(), Target::PerWorklog).unwrap();
        let once = RoundingRule::new(rule.mode(), rule.increment_minutes(), Target::Total).unwrap();
        let per_part = round_total(parts.iter().copied(), &each).unwrap().get() as i128;
        let total = round_total(parts.iter().copied(), &once).unwrap().get() as i128;
        let bound = rule.max_total_deviation(parts.len() as u64).get() as i128;
        let diff = per_part - total;
        prop_assert!(diff.abs() <= bound, "diff {} bound {}", diff, bound);
        match rule.mode() {
            RoundMode::Up => prop_assert!(diff >= 0),
            RoundMode::Down => prop_assert!(diff <= 0),
            _ => {}
        }
    }

    #[test]
    fn civil_rounding_is_idempotent_and_keeps_its_direction(
        start in crate::calendar::tests::any_instant(),
        minutes in 0_u64..1000,
        index in 0..ZONES.len(),
        rule in any_rule(),
    ) {
        let zone = Zone::parse(ZONES[index]).unwrap();
        let duration = Seconds::from_minutes(minutes).unwrap();
        let once = round_civil(start, duration, zone, &rule).unwrap();
        let twice = round_civil(once.start, once.duration, zone, &rule).unwrap();
        prop_assert_eq!(twice, once);
        match rule.mode() {
            RoundMode::Up => {
                prop_assert!(once.start <= start);
                prop_assert!(once.duration >= duration);
            }
            RoundMode::Down => {
                prop_assert!(once.start >= start);
                prop_assert!(once.duration <= duration);
            }
            _ => {}
        }
    }
}
