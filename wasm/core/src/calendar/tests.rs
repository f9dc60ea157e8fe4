//! Tests of the calendar.

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

fn at(text: &str) -> Instant {
    parse_instant(text).unwrap()
}

fn utc(t: Instant) -> String {
    format_utc(t).unwrap()
}

#[test]
fn day_lengths_on_dst_changes() {
    let table: &[(&str, NaiveDate, &str, &str, i64)] = &[
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            "2026-03-28T23:00:00.000Z",
            "2026-03-29T22:00:00.000Z",
            23 * 60,
        ),
        (
            "Europe/Berlin",
            date(2026, 10, 25),
            "2026-10-24T22:00:00.000Z",
            "2026-10-25T23:00:00.000Z",
            25 * 60,
        ),
        (
            "Europe/Berlin",
            date(2026, 6, 1),
            "2026-05-31T22:00:00.000Z",
            "2026-06-01T22:00:00.000Z",
            24 * 60,
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            "2026-03-08T05:00:00.000Z",
            "2026-03-09T04:00:00.000Z",
            23 * 60,
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            "2026-11-01T04:00:00.000Z",
            "2026-11-02T05:00:00.000Z",
            25 * 60,
        ),
        (
            "Asia/Kolkata",
            date(2026, 11, 24),
            "2026-11-23T18:30:00.000Z",
            "2026-11-24T18:30:00.000Z",
            24 * 60,
        ),
        // Lord Howe shifts by 30 minutes: +10:30 standard, +11 summer.
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            "2026-10-03T13:30:00.000Z",
            "2026-10-04T13:00:00.000Z",
            23 * 60 + 30,
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            "2026-04-04T13:00:00.000Z",
            "2026-04-05T13:30:00.000Z",
            24 * 60 + 30,
        ),
        (
            "Pacific/Kiritimati",
            date(2026, 1, 1),
            "2025-12-31T10:00:00.000Z",
            "2026-01-01T10:00:00.000Z",
            24 * 60,
        ),
    ];
    for &(name, d, start, end, minutes) in table {
        let range = day_range(d, zone(name)).unwrap();
        assert_eq!(utc(range.start), start, "{name} {d}");
        assert_eq!(utc(range.end), end, "{name} {d}");
        assert_eq!(
            range.end.millis() - range.start.millis(),
            minutes * 60_000,
            "{name} {d}"
        );
    }
}

#[test]
fn local_times_in_gaps_and_overlaps() {
    let dflt = Disambiguation::default();
    let later = Disambiguation {
        overlap: Overlap::Later,
        ..dflt
    };
    let strict = Disambiguation {
        gap: Gap::Reject,
        overlap: Overlap::Reject,
    };
    /// (zone, date, local time, default result, with `Overlap::Later`)
    type Case<'a> = (&'a str, NaiveDate, (u32, u32), &'a str, &'a str);
    let table: &[Case] = &[
        (
            "Europe/Berlin",
            date(2026, 3, 29),
            (2, 30),
            "2026-03-29T01:30:00.000Z",
            "2026-03-29T01:30:00.000Z",
        ),
        (
            "Europe/Berlin",
            date(2026, 10, 25),
            (2, 30),
            "2026-10-25T00:30:00.000Z",
            "2026-10-25T01:30:00.000Z",
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            (2, 30),
            "2026-03-08T07:30:00.000Z",
            "2026-03-08T07:30:00.000Z",
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            (1, 30),
            "2026-11-01T05:30:00.000Z",
            "2026-11-01T06:30:00.000Z",
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            (2, 15),
            "2026-10-03T15:45:00.000Z",
            "2026-10-03T15:45:00.000Z",
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            (1, 45),
            "2026-04-04T14:45:00.000Z",
            "2026-04-04T15:15:00.000Z",
        ),
    ];
    for &(name, d, (h, m), expected, expected_later) in table {
        let local = d.and_hms_opt(h, m, 0).unwrap();
        let z = zone(name);
        assert_eq!(
            utc(from_local(local, z, dflt).unwrap()),
            expected,
            "{name} {local}"
        );
        assert_eq!(
            utc(from_local(local, z, later).unwrap()),
            expected_later,
            "{name} {local}"
        );
        let reason = from_local(local, z, strict).unwrap_err().reason();
        assert!(
            reason == "nonexistent-local-time" || reason == "ambiguous-local-time",
            "{reason}"
        );
    }
    // The gap's moved time reads back as the local time shifted by the gap.
    let t = from_local(
        date(2026, 10, 4).and_hms_opt(2, 15, 0).unwrap(),
        zone("Australia/Lord_Howe"),
        dflt,
    )
    .unwrap();
    assert_eq!(
        to_local(t, zone("Australia/Lord_Howe"))
            .unwrap()
            .to_string(),
        "2026-10-04 02:45:00"
    );
}

#[test]
fn midnight_gap_starts_the_day_at_the_gap_end() {
    // Chile moves clocks from 24:00 to 01:00 on the first Sunday of September.
    let santiago = zone("America/Santiago");
    let d = date(2026, 9, 6);
    let start = day_start(d, santiago).unwrap();
    assert_eq!(
        to_local(start, santiago).unwrap().to_string(),
        "2026-09-06 01:00:00"
    );
    let before = Instant::from_millis(start.millis() - 1);
    assert_eq!(local_date(before, santiago).unwrap(), date(2026, 9, 5));
    assert_eq!(
        day_range(d, santiago).unwrap().end.millis() - start.millis(),
        23 * 3_600_000
    );
}

#[test]
fn local_dates_follow_the_zone() {
    let table: &[(&str, &str, NaiveDate)] = &[
        (
            "2026-11-24T18:29:59.999Z",
            "Asia/Kolkata",
            date(2026, 11, 24),
        ),
        (
            "2026-11-24T18:30:00.000Z",
            "Asia/Kolkata",
            date(2026, 11, 25),
        ),
        (
            "2025-12-31T09:59:59.999Z",
            "Pacific/Kiritimati",
            date(2025, 12, 31),
        ),
        (
            "2025-12-31T10:00:00.000Z",
            "Pacific/Kiritimati",
            date(2026, 1, 1),
        ),
        (
            "2026-03-28T22:59:59.999Z",
            "Europe/Berlin",
            date(2026, 3, 28),
        ),
        (
            "2026-03-28T23:00:00.000Z",
            "Europe/Berlin",
            date(2026, 3, 29),
        ),
        (
            "2026-11-01T04:30:00.000Z",
            "America/New_York",
            date(2026, 11, 1),
        ),
        (
            "2026-11-01T03:59:59.999Z",
            "America/New_York",
            date(2026, 10, 31),
        ),
    ];
    for &(text, name, expected) in table {
        assert_eq!(
            local_date(at(text), zone(name)).unwrap(),
            expected,
            "{text} {name}"
        );
    }
}

#[test]
fn iso_weeks_across_year_ends() {
    let table: &[(NaiveDate, i32, u32)] = &[
        (date(2025, 12, 29), 2026, 1),
        (date(2026, 1, 1), 2026, 1),
        (date(2026, 12, 27), 2026, 52),
        (date(2026, 12, 28), 2026, 53),
        (date(2026, 12, 31), 2026, 53),
        (date(2027, 1, 1), 2026, 53),
        (date(2027, 1, 3), 2026, 53),
        (date(2027, 1, 4), 2027, 1),
    ];
    for &(d, year, week) in table {
        assert_eq!(iso_week(d), IsoWeek { year, week }, "{d}");
    }
    assert_eq!(iso_week(date(2026, 12, 31)).to_string(), "2026-W53");
    // Week 53 of 2026 as a Monday week: 2026-12-28 to 2027-01-03.
    let week = Period::Week {
        containing: date(2027, 1, 2),
        start: WeekStart::Monday,
    }
    .dates()
    .unwrap();
    assert_eq!(
        (week.first(), week.end()),
        (date(2026, 12, 28), date(2027, 1, 4))
    );
}

#[test]
fn weeks_start_on_the_chosen_day() {
    let table: &[(NaiveDate, WeekStart, NaiveDate)] = &[
        (date(2026, 3, 29), WeekStart::Monday, date(2026, 3, 23)),
        (date(2026, 3, 29), WeekStart::Sunday, date(2026, 3, 29)),
        (date(2026, 3, 29), WeekStart::Saturday, date(2026, 3, 28)),
        (date(2026, 3, 25), WeekStart::Monday, date(2026, 3, 23)),
        (date(2026, 3, 25), WeekStart::Sunday, date(2026, 3, 22)),
        (date(2026, 3, 25), WeekStart::Saturday, date(2026, 3, 21)),
        (date(2027, 1, 2), WeekStart::Saturday, date(2027, 1, 2)),
        (date(2027, 1, 1), WeekStart::Saturday, date(2026, 12, 26)),
        (date(2027, 1, 1), WeekStart::Sunday, date(2026, 12, 27)),
    ];
    for &(d, start, expected) in table {
        assert_eq!(week_start(d, start).unwrap(), expected, "{d} {start:?}");
    }
    // The Sunday week holding Berlin's spring change lasts 167 hours.
    let week = Period::Week {
        containing: date(2026, 3, 29),
        start: WeekStart::Sunday,
    };
    let range = week.instants(zone("Europe/Berlin")).unwrap();
    assert_eq!(utc(range.start), "2026-03-28T23:00:00.000Z");
    assert_eq!(range.end.millis() - range.start.millis(), 167 * 3_600_000);
}

#[test]
fn periods_from_json() {
    let p: Period =
        serde_json::from_str(r#"{"kind":"week","containing":"2026-03-25","start":"saturday"}"#)
            .unwrap();
    assert_eq!(p.dates().unwrap().first(), date(2026, 3, 21));
    let p: Period =
        serde_json::from_str(r#"{"kind":"custom","first":"2026-03-01","end":"2026-03-15"}"#)
            .unwrap();
    assert_eq!(p.dates().unwrap().len(), 14);
    assert!(serde_json::from_str::<Period>(
        r#"{"kind":"custom","first":"2026-03-15","end":"2026-03-01"}"#
    )
    .is_err());
    let p: Period = serde_json::from_str(r#"{"kind":"day","date":"2026-03-29"}"#).unwrap();
    assert_eq!(
        p,
        Period::Day {
            date: date(2026, 3, 29)
        }
    );
    let err = Period::Month {
        year: 2026,
        month: 0,
    }
    .dates()
    .unwrap_err();
    assert_eq!(err.reason(), "invalid-month");
}

#[test]
fn instants_parse_and_format() {
    let table: &[(&str, &str)] = &[
        ("2026-11-24T09:30:00.000+0000", "2026-11-24T09:30:00.000Z"),
        ("2026-11-24T09:30:00+0000", "2026-11-24T09:30:00.000Z"),
        ("2026-11-24T15:00:00.000+0530", "2026-11-24T09:30:00.000Z"),
        ("2026-11-24T09:30:00Z", "2026-11-24T09:30:00.000Z"),
        ("2026-11-24T09:30:00.123456Z", "2026-11-24T09:30:00.123Z"),
        ("2026-11-24T04:30:00-05:00", "2026-11-24T09:30:00.000Z"),
        ("2026-01-01T00:00:00.000+1400", "2025-12-31T10:00:00.000Z"),
    ];
    for &(text, expected) in table {
        assert_eq!(utc(at(text)), expected, "{text}");
    }
    for bad in [
        "",
        "2026-11-24",
        "2026-11-24T09:30:00",
        "2026-13-01T00:00:00Z",
        "yesterday",
    ] {
        let err = parse_instant(bad).unwrap_err();
        assert_eq!(err.reason(), "invalid-instant", "{bad}");
        assert!(err.to_string().starts_with("invalid instant "), "{err}");
    }
    let t = at("2026-07-01T08:00:00Z");
    assert_eq!(
        format_jira(t, zone("Europe/Berlin")).unwrap(),
        "2026-07-01T10:00:00.000+0200"
    );
    assert_eq!(
        parse_instant(&format_jira(t, zone("Australia/Lord_Howe")).unwrap()).unwrap(),
        t
    );
}

#[test]
fn out_of_range_instants_are_errors() {
    for ms in [i64::MIN, i64::MAX] {
        let t = Instant::from_millis(ms);
        assert_eq!(to_local(t, Zone::UTC).unwrap_err().reason(), "out-of-range");
        assert!(format_utc(t).is_err());
        assert!(format_jira(t, Zone::UTC).is_err());
    }
    assert!(day_range(NaiveDate::MAX, Zone::UTC).is_err());
    assert!(
        week_start(NaiveDate::MIN, WeekStart::Sunday).is_err()
            || NaiveDate::MIN.weekday() == Weekday::Sun
    );
}

#[test]
fn zones_serialize_by_name() {
    let z: Zone = serde_json::from_str(r#""America/New_York""#).unwrap();
    assert_eq!(serde_json::to_string(&z).unwrap(), r#""America/New_York""#);
    assert!(serde_json::from_str::<Zone>(r#""Nowhere/Special""#).is_err());
}

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/Santiago",
    "Asia/Kathmandu",
    "America/St_Johns",
];

/// DST changes of 2026 (UTC milliseconds) in the zones above.
pub(crate) const TRANSITIONS: &[i64] = &[
    1_774_746_000_000, // 2026-03-29T01:00Z Europe/Berlin
    1_792_890_000_000, // 2026-10-25T01:00Z Europe/Berlin
    1_772_953_200_000, // 2026-03-08T07:00Z America/New_York
    1_793_512_800_000, // 2026-11-01T06:00Z America/New_York
    1_775_314_800_000, // 2026-04-04T15:00Z Australia/Lord_Howe
    1_791_041_400_000, // 2026-10-03T15:30Z Australia/Lord_Howe
    1_775_358_000_000, // 2026-04-05T03:00Z America/Santiago
    1_788_667_200_000, // 2026-09-06T04:00Z America/Santiago
];

/// Instants from 1970 to 2100, and many within four hours of a DST change.
pub(crate) fn any_instant() -> impl Strategy<Value = Instant> {
    prop_oneof![
        (0_i64..4_102_444_800_000).prop_map(Instant::from_millis),
        (0..TRANSITIONS.len(), -14_400_000_i64..14_400_000)
            .prop_map(|(i, delta)| Instant::from_millis(TRANSITIONS[i] + delta)),
    ]
}

#[test]
fn transition_table_is_right() {
    // Each listed instant is a change of offset in one of the zones.
    for &ms in TRANSITIONS {
        let changed = ZONES.iter().any(|name| {
            let z = zone(name);
            z.offset_seconds(Instant::from_millis(ms - 1)).unwrap()
                != z.offset_seconds(Instant::from_millis(ms)).unwrap()
        });
        assert!(changed, "{}", utc(Instant::from_millis(ms)));
    }
}

proptest! {
    #[test]
    fn every_instant_lies_in_its_local_day(
        t in any_instant(),
        index in 0..ZONES.len(),
    ) {
        let z = zone(ZONES[index]);
        let d = local_date(t, z).unwrap();
        let range = day_range(d, z).unwrap();
        prop_assert!(range.contains(t), "{} {} {:?}", ZONES[index], d, range);
        // Neighbouring days do not contain it.
        let prev = day_range(d.pred_opt().unwrap(), z).unwrap();
        prop_assert!(!prev.contains(t));
        prop_assert_eq!(prev.end, range.start);
    }

    #[test]
    fn local_round_trip_picks_one_of_the_two(
        t in any_instant(),
        index in 0..ZONES.len(),
    ) {
        let z = zone(ZONES[index]);
        let local = to_local(t, z).unwrap();
        let earlier = from_local(local, z, Disambiguation::default()).unwrap();
        let later = from_local(local, z, Disambiguation { overlap: Overlap::Later, ..Disambiguation::default() }).unwrap();
        prop_assert!(earlier == t || later == t);
    }
}
