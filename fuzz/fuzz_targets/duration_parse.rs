//! Parses arbitrary UTF-8 with arbitrary time tracking settings; whatever parses must
//! format in every style and parse back to the same seconds.
//!
//! Input layout: 4 bytes of settings (hours per day, days per week, default unit and
//! style), then the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use worklogs_core::duration::{
    format_as, parse, parse_nonzero, Seconds, Style, TimeTrackingSettings, Unit,
};
use worklogs_core::Decimal;

fn settings(bytes: [u8; 4]) -> Option<TimeTrackingSettings> {
    // Hours per day from 0.01 to 24 in steps of 0.01 (some with odd seconds per day),
    // days per week from 0.1 to 7 in steps of 0.1.
    let hours = 1 + u16::from_le_bytes([bytes[0], bytes[1]]) % 2400;
    let days = 1 + bytes[2] % 70;
    let unit = [Unit::Minute, Unit::Hour, Unit::Day, Unit::Week][usize::from(bytes[3] % 4)];
    let style = [Style::Pretty, Style::Days, Style::Hours][usize::from(bytes[3] / 4 % 3)];
    TimeTrackingSettings::new(
        Decimal::new(i64::from(hours), 2),
        Decimal::new(i64::from(days), 1),
        unit,
        style,
    )
    .ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let Some(settings) = settings(*head) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match parse(text, &settings) {
        Ok(seconds) => {
            assert!(seconds <= Seconds::MAX);
            assert_eq!(
                parse_nonzero(text, &settings).is_err(),
                seconds == Seconds::ZERO
            );
            for style in [Style::Pretty, Style::Days, Style::Hours] {
                let formatted = format_as(seconds, &settings, style);
                assert_eq!(
                    parse(&formatted, &settings),
                    Ok(seconds),
                    "{text:?} -> {formatted:?} ({style})"
                );
            }
        }
        Err(err) => {
            // Every parse error points into the text (or just past its end).
            let position = err.position().unwrap_or(0);
            assert!(err.is_invalid_input());
            assert!(
                position >= 1 && position <= text.chars().count() + 1,
                "{err}"
            );
            assert!(!err.message().ends_with('.'));
        }
    }
});
