//! Tests of parsing and printing durations.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn settings(hours: &str, days: &str) -> TimeTrackingSettings {
    TimeTrackingSettings::new(
        hours.parse().unwrap(),
        days.parse().unwrap(),
        Unit::Minute,
        Style::Pretty,
    )
    .unwrap()
}

#[test]
fn parses_the_documented_forms() {
    let s = TimeTrackingSettings::default();
    let table: &[(&str, u64)] = &[
        ("1w 2d 3h 30m", 214_200),
        ("1W 2D 3H 30M", 214_200),
        ("30m 3h 2d 1w", 214_200),
        ("1h30m", 5400),
        ("1 h 30 m", 5400),
        ("  1h   30m  ", 5400),
        ("1.5h", 5400),
        ("1,5h", 5400),
        (".5h", 1800),
        ("90m", 5400),
        ("90", 5400),
        ("2d", 57_600),
        ("0m", 0),
        ("0", 0),
        ("45s", 45),
        ("1m 30s", 90),
        ("0.0125m", 1),    // 0.75 s rounds to 1
        ("0.0001h", 0),    // 0.36 s rounds to 0
        ("0.3333h", 1200), // 1199.88 s rounds to 1200
        ("1.25w", 180_000),
        ("007h", 25_200),
    ];
    for &(text, expected) in table {
        assert_eq!(parse(text, &s).map(Seconds::get), Ok(expected), "{text:?}");
    }
}

#[test]
fn default_unit_applies_to_a_bare_number_only() {
    let base = TimeTrackingSettings::default();
    for (unit, expected) in [
        (Unit::Minute, 120),
        (Unit::Hour, 7200),
        (Unit::Day, 57_600),
        (Unit::Week, 288_000),
    ] {
        let s = base.clone().with_default_unit(unit);
        assert_eq!(parse("2", &s).map(Seconds::get), Ok(expected), "{unit}");
    }
    let err = parse("1h 30", &base).unwrap_err();
    assert_eq!(err.reason(), "missing-unit");
    assert_eq!(err.position(), Some(6));
}

#[test]
fn fractional_site_settings() {
    // 7.5 h per day, 4.5 days per week: 1d = 27 000 s, 1w = 121 500 s.
    let s = settings("7.5", "4.5");
    assert_eq!(parse("1w", &s).map(Seconds::get), Ok(121_500));
    assert_eq!(parse("1d", &s).map(Seconds::get), Ok(27_000));
    assert_eq!(parse("1w 1d 1h", &s).map(Seconds::get), Ok(152_100));
    // Jira truncates a day to whole seconds: 7.33333 h = 26 399.988 s -> 26 399 s.
    let s = settings("7.33333", "5");
    assert_eq!(s.seconds_per_day(), 26_399);
    assert_eq!(s.seconds_per_week(), 131_995);
}

#[test]
fn errors_name_position_and_expectation() {
    let s = TimeTrackingSettings::default();
    let table: &[(&str, &str, usize, &str)] = &[
        (
            "",
            "empty",
            1,
            r#"invalid duration "": empty input at position 1 (expected a number and a unit, such as 1h 30m)"#,
        ),
        (
            "   ",
            "empty",
            1,
            r#"invalid duration "   ": empty input at position 1 (expected a number and a unit, such as 1h 30m)"#,
        ),
        (
            "3x",
            "unknown-unit",
            2,
            r#"invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)"#,
        ),
        (
            "2 hours",
            "unknown-unit",
            3,
            r#"invalid duration "2 hours": unknown unit "hours" at position 3 (expected w, d, h, m or s)"#,
        ),
        (
            "1h 2H",
            "duplicate-unit",
            5,
            r#"invalid duration "1h 2H": unit "h" given twice at position 5 (each unit may appear once)"#,
        ),
        (
            "-1h",
            "negative",
            1,
            r#"invalid duration "-1h": negative value at position 1 (durations cannot be negative)"#,
        ),
        (
            "1h -30m",
            "negative",
            4,
            r#"invalid duration "1h -30m": negative value at position 4 (durations cannot be negative)"#,
        ),
        (
            "1.23456h",
            "too-many-decimals",
            7,
            r#"invalid duration "1.23456h": too many decimals at position 7 (expected at most 4 digits after the decimal point)"#,
        ),
        (
            "99999999999999999m",
            "too-large",
            1,
            r#"invalid duration "99999999999999999m": value too large at position 1 (expected at most 9007199254740991 seconds in total)"#,
        ),
        (
            "1h 3000000000000w",
            "too-large",
            4,
            r#"invalid duration "1h 3000000000000w": value too large at position 4 (expected at most 9007199254740991 seconds in total)"#,
        ),
        (
            "h",
            "unexpected-character",
            1,
            r#"invalid duration "h": unexpected character "h" at position 1 (expected a number)"#,
        ),
        (
            "1.h",
            "unexpected-character",
            3,
            r#"invalid duration "1.h": unexpected character "h" at position 3 (expected a digit after the decimal point)"#,
        ),
        (
            "1.",
            "unexpected-character",
            3,
            r#"invalid duration "1.": unexpected end of input at position 3 (expected a digit after the decimal point)"#,
        ),
        (
            "+1h",
            "unexpected-character",
            1,
            r#"invalid duration "+1h": unexpected character "+" at position 1 (expected a number)"#,
        ),
        (
            "1h+",
            "unexpected-character",
            3,
            r#"invalid duration "1h+": unexpected character "+" at position 3 (expected a number)"#,
        ),
        (
            "1+",
            "unexpected-character",
            2,
            r#"invalid duration "1+": unexpected character "+" at position 2 (expected a unit: w, d, h, m or s)"#,
        ),
        (
            "1 30m",
            "missing-unit",
            2,
            r#"invalid duration "1 30m": missing unit after "1" at position 2 (expected w, d, h, m or s)"#,
        ),
        (
            "1e3h",
            "unknown-unit",
            2,
            r#"invalid duration "1e3h": unknown unit "e" at position 2 (expected w, d, h, m or s)"#,
        ),
    ];
    for &(text, reason, position, message) in table {
        let err = parse(text, &s).unwrap_err();
        assert!(err.is_invalid_input(), "{text:?}");
        assert_eq!(err.reason(), reason, "{text:?}");
        assert_eq!(err.position(), Some(position), "{text:?}");
        assert_eq!(err.to_string(), message, "{text:?}");
    }
}

#[test]
fn zero_is_the_callers_choice() {
    let s = TimeTrackingSettings::default();
    assert_eq!(parse("0h 0m", &s), Ok(Seconds::ZERO));
    let err = parse_nonzero("0h 0m", &s).unwrap_err();
    assert_eq!(err.reason(), "zero");
    assert_eq!(err.position(), Some(1));
    assert_eq!(parse_nonzero("1m", &s).map(Seconds::get), Ok(60));
}

#[test]
fn positions_count_characters_not_bytes() {
    let err = parse("1h ünits", &TimeTrackingSettings::default()).unwrap_err();
    assert_eq!(err.position(), Some(4));
    let err = parse("éé 1x", &TimeTrackingSettings::default()).unwrap_err();
    assert_eq!(err.position(), Some(1));
}

#[test]
fn formats_in_every_style() {
    let s = TimeTrackingSettings::default();
    let table: &[(u64, &str, &str, &str)] = &[
        (0, "0m", "0d", "0h"),
        (45, "45s", "45s", "0.0125h"),
        (90, "1m 30s", "1m 30s", "0.025h"),
        (61, "1m 1s", "1m 1s", "1m 1s"),
        (1200, "20m", "20m", "20m"),
        (2700, "45m", "45m", "0.75h"), // 0.09375d would need 5 decimals: split
        (5400, "1h 30m", "0.1875d", "1.5h"),
        (28_800, "1d", "1d", "8h"),
        (214_200, "1w 2d 3h 30m", "7.4375d", "59.5h"),
        (144_000, "1w", "5d", "40h"),
    ];
    for &(seconds, pretty, days, hours) in table {
        let d = Seconds::new(seconds).unwrap();
        assert_eq!(format_as(d, &s, Style::Pretty), pretty, "{seconds}");
        assert_eq!(format_as(d, &s, Style::Days), days, "{seconds}");
        assert_eq!(format_as(d, &s, Style::Hours), hours, "{seconds}");
    }
    // 7.5 h days: 59.5 h is 7.9333 days, not exact in four decimals.
    let s = settings("7.5", "5");
    let d = Seconds::new(214_200).unwrap();
    assert_eq!(format_as(d, &s, Style::Days), "7d 7h");
    assert_eq!(format_as(d, &s, Style::Pretty), "1w 2d 7h");
}

#[test]
fn settings_validation_names_the_field() {
    for (json, field) in [
        (r#"{"workingHoursPerDay": 0}"#, "workingHoursPerDay"),
        (r#"{"workingHoursPerDay": 24.5}"#, "workingHoursPerDay"),
        (r#"{"workingHoursPerDay": -8}"#, "workingHoursPerDay"),
        (r#"{"workingDaysPerWeek": 7.01}"#, "workingDaysPerWeek"),
        (r#"{"workingDaysPerWeek": 0}"#, "workingDaysPerWeek"),
        (r#"{"workingHoursPerDay": 0.0002}"#, "workingHoursPerDay"),
    ] {
        let err = TimeTrackingSettings::from_json(json).unwrap_err();
        assert_eq!(err.field(), Some(field), "{json}");
        assert_eq!(err.reason(), "out-of-range", "{json}");
    }
    let err = TimeTrackingSettings::from_json(r#"{"workingHoursPerDay": 25}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid workingHoursPerDay 25: out of range (expected more than 0 and at most 24)"
    );
    let err = TimeTrackingSettings::from_json(r#"{"defaultUnit": "fortnight"}"#).unwrap_err();
    assert_eq!(err.reason(), "invalid-json");
    assert!(err.to_string().contains("fortnight"), "{err}");
    // Accepted through serde's own entry point too.
    let s: TimeTrackingSettings = serde_json::from_str(
        r#"{"workingHoursPerDay": 7.6, "workingDaysPerWeek": 5, "timeFormat": "days", "defaultUnit": "hour"}"#,
    )
    .unwrap();
    assert_eq!(s.seconds_per_day(), 27_360);
    assert_eq!(s.format(), Style::Days);
    let back: TimeTrackingSettings =
        serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn names_parse_like_jira_json() {
    for style in [Style::Pretty, Style::Days, Style::Hours] {
        assert_eq!(style.to_string().parse::<Style>(), Ok(style));
    }
    for unit in [Unit::Minute, Unit::Hour, Unit::Day, Unit::Week] {
        assert_eq!(unit.to_string().parse::<Unit>(), Ok(unit));
    }
    let err = "Pretty".parse::<Style>().unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid timeFormat "Pretty": expected pretty, days or hours"#
    );
    assert_eq!(
        "weeks".parse::<Unit>().unwrap_err().field(),
        Some("defaultUnit")
    );
}

#[test]
fn seconds_conversions() {
    assert_eq!(Seconds::try_from(-5_i64).unwrap_err().reason(), "negative");
    assert_eq!(Seconds::try_from(5_i64).map(Seconds::get), Ok(5));
    assert!(Seconds::new(Seconds::MAX.get() + 1).is_err());
    assert_eq!(i64::from(Seconds::MAX), 9_007_199_254_740_991);
    assert!(Seconds::MAX.checked_add(Seconds(1)).is_none());
    assert!(Seconds::sum([Seconds::MAX, Seconds(1)])
        .unwrap_err()
        .is_overflow());
    assert!(serde_json::from_str::<Seconds>("-1").is_err());
    assert!(serde_json::from_str::<Seconds>("9007199254740992").is_err());
    assert_eq!(serde_json::to_string(&Seconds(90)).unwrap(), "90");
}

/// The shared vectors in `tests/vectors/durations.json`, also run by the UI's tests.
#[test]
fn shared_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/durations.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut named = BTreeMap::new();
    for (name, json) in doc["settings"].as_object().unwrap() {
        let parsed: TimeTrackingSettings = serde_json::from_value(json.clone()).unwrap();
        named.insert(name.clone(), parsed);
    }
    let mut count = 0;
    for case in doc["parse"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let s = &named[case["settings"].as_str().unwrap()];
        let result = if case["nonzero"].as_bool().unwrap_or(false) {
            parse_nonzero(input, s)
        } else {
            parse(input, s)
        };
        match (&case["seconds"], &case["error"]) {
            (serde_json::Value::Number(n), _) => {
                assert_eq!(
                    result.map(Seconds::get),
                    Ok(n.as_u64().unwrap()),
                    "{input:?}"
                );
            }
            (_, error) => {
                let err = result.unwrap_err();
                assert_eq!(err.reason(), error["reason"].as_str().unwrap(), "{input:?}");
                assert_eq!(
                    err.position(),
                    error["position"].as_u64().map(|p| p as usize),
                    "{input:?}"
                );
                if let Some(message) = error["message"].as_str() {
                    assert_eq!(err.to_string(), message, "{input:?}");
                }
            }
        }
        count += 1;
    }
    for case in doc["format"].as_array().unwrap() {
        let seconds = Seconds::new(case["seconds"].as_u64().unwrap()).unwrap();
        let s = &named[case["settings"].as_str().unwrap()];
        for style in [Style::Pretty, Style::Days, Style::Hours] {
            let expected = case[style.to_string()].as_str().unwrap();
            assert_eq!(
                format_as(seconds, s, style),
                expected,
                "{seconds:?} {style}"
            );
            assert_eq!(parse(expected, s), Ok(seconds), "{expected:?}");
        }
        count += 1;
    }
    assert!(count >= 40, "only {count} vectors");
}

fn any_settings() -> impl Strategy<Value = TimeTrackingSettings> {
    (1_u32..=2400, 1_u32..=14, 0_usize..4).prop_map(|(centihours, half_days, unit)| {
        let units = [Unit::Minute, Unit::Hour, Unit::Day, Unit::Week];
        TimeTrackingSettings::new(
            Decimal::new(i64::from(centihours), 2),
            Decimal::new(i64::from(half_days) * 5, 1),
            units[unit],
            Style::Pretty,
        )
        .unwrap()
    })
}

fn any_seconds() -> impl Strategy<Value = Seconds> {
    prop_oneof![
        (0_u64..=100_000).prop_map(Seconds),
        (0_u64..=10_000_000).prop_map(|m| Seconds(m * 60)),
        (0_u64..=Seconds::MAX.0).prop_map(Seconds),
    ]
}

proptest! {
    #[test]
    fn format_then_parse_is_identity(d in any_seconds(), s in any_settings()) {
        for style in [Style::Pretty, Style::Days, Style::Hours] {
            let text = format_as(d, &s, style);
            prop_assert_eq!(parse(&text, &s), Ok(d), "{} {}", style, text);
        }
    }

    #[test]
    fn parse_never_panics_and_is_never_negative(text in "\\PC{0,24}", s in any_settings()) {
        if let Ok(d) = parse(&text, &s) {
            prop_assert!(d <= Seconds::MAX);
            let again = parse(&format(d, &s), &s);
            prop_assert_eq!(again, Ok(d));
        }
    }

    #[test]
    fn parse_of_component_text(
        w in 0_u64..100, d in 0_u64..100, h in 0_u64..100, m in 0_u64..1000,
        s in any_settings(),
    ) {
        let text = format!("{w}w {d}d {h}h {m}m");
        let expected = w * s.seconds_per_week() + d * s.seconds_per_day() + h * 3600 + m * 60;
        prop_assert_eq!(parse(&text, &s).map(Seconds::get), Ok(expected));
    }
}
