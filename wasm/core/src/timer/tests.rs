use proptest::prelude::*;

use super::*;
use crate::calendar::{format_utc, parse_instant};
use crate::rounding::RoundMode;

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const TWELVE_HOURS: u32 = 12 * 3600;

fn at(text: &str) -> Instant {
    parse_instant(text).unwrap()
}

fn plus(t: Instant, ms: i64) -> Instant {
    Instant::from_millis(t.millis() + ms)
}

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

#[test]
fn start_pause_resume_counts_only_running_time() {
    let berlin = zone("Europe/Berlin");
    let t0 = at("2026-11-24T09:00:00+01:00");
    let t = Timer::start(t0, berlin, TWELVE_HOURS).unwrap();
    assert_eq!(t.state(), State::Running);
    assert_eq!(t.elapsed_ms(plus(t0, 20 * MIN)), 20 * MIN);
    let t = t.pause(plus(t0, 20 * MIN)).unwrap();
    assert_eq!(t.state(), State::Paused);
    assert_eq!(t.elapsed_ms(plus(t0, 5 * HOUR)), 20 * MIN);
    let t = t.resume(plus(t0, HOUR), berlin, TWELVE_HOURS).unwrap();
    assert_eq!(t.elapsed_ms(plus(t0, HOUR + 10 * MIN)), 30 * MIN);
    assert_eq!(t.first_start(), t0);
    // The limit counts running time: 11h40m left when resumed at 10:00.
    let stop = t.stop().unwrap();
    assert_eq!(stop.reason, StopReason::Limit);
    assert_eq!(stop.at, plus(t0, HOUR + 11 * HOUR + 40 * MIN));
}

#[test]
fn pause_and_resume_are_idempotent() {
    let utc = Zone::UTC;
    let t0 = at("2026-11-24T09:00:00Z");
    let running = Timer::start(t0, utc, TWELVE_HOURS).unwrap();
    assert_eq!(
        running.resume(plus(t0, MIN), utc, TWELVE_HOURS).unwrap(),
        running
    );
    let paused = running.pause(plus(t0, MIN)).unwrap();
    assert_eq!(paused.pause(plus(t0, 2 * MIN)).unwrap(), paused);
}

#[test]
fn a_segment_stops_at_the_next_local_midnight() {
    let berlin = zone("Europe/Berlin");
    let t0 = at("2026-11-24T20:00:00+01:00");
    let t = Timer::start(t0, berlin, TWELVE_HOURS).unwrap();
    let stop = t.stop().unwrap();
    assert_eq!(stop.reason, StopReason::Midnight);
    assert_eq!(format_utc(stop.at).unwrap(), "2026-11-24T23:00:00.000Z");
    let settled = t.settle(at("2026-11-25T08:00:00+01:00"));
    assert_eq!(settled.state(), State::Forgotten);
    assert_eq!(settled.elapsed_ms(at("2026-11-30T00:00:00Z")), 4 * HOUR);
    // Not before its instant.
    assert_eq!(t.settle(plus(stop.at, -1)), t);
    // Forgotten timers cannot be paused or resumed: they wait for their owner.
    assert_eq!(settled.pause(t0).unwrap_err().reason(), "timer-forgotten");
    assert_eq!(
        settled
            .resume(t0, berlin, TWELVE_HOURS)
            .unwrap_err()
            .reason(),
        "timer-forgotten"
    );
}

#[test]
fn midnight_is_the_start_of_the_next_local_date_across_dst() {
    // Berlin falls back on 2026-10-25: that day lasts 25 hours, so a segment
    // begun at 00:30 reaches midnight after 24.5 hours (the limit, 12 h, comes
    // first).
    let berlin = zone("Europe/Berlin");
    let t0 = at("2026-10-25T00:30:00+02:00");
    let stop = stop_rule(t0, 0, berlin, 48 * 3600).unwrap();
    assert_eq!(stop.reason, StopReason::Midnight);
    assert_eq!(stop.at.millis() - t0.millis(), 24 * HOUR + 30 * MIN);
    let stop = stop_rule(t0, 0, berlin, TWELVE_HOURS).unwrap();
    assert_eq!(stop.reason, StopReason::Limit);
    // Santiago has no midnight on 2026-09-06 (clocks jump from 00:00 to 01:00).
    let santiago = zone("America/Santiago");
    let t0 = at("2026-09-05T22:00:00-04:00");
    let stop = stop_rule(t0, 0, santiago, TWELVE_HOURS).unwrap();
    assert_eq!(stop.reason, StopReason::Midnight);
    assert_eq!(format_utc(stop.at).unwrap(), "2026-09-06T04:00:00.000Z");
}

#[test]
fn elapsed_time_across_a_dst_change_is_real_time() {
    // New York springs forward on 2026-03-08 at 02:00: from 01:00 to 04:00 on
    // the wall clock is 2 hours.
    let ny = zone("America/New_York");
    let t0 = at("2026-03-08T01:00:00-05:00");
    let t = Timer::start(t0, ny, TWELVE_HOURS).unwrap();
    let four = at("2026-03-08T04:00:00-04:00");
    assert_eq!(t.elapsed_ms(four), 2 * HOUR);
    assert_eq!(t.elapsed_seconds(four).unwrap().get(), 7200);
}

#[test]
fn a_timer_past_its_limit_stops_at_once_when_resumed() {
    let utc = Zone::UTC;
    let t0 = at("2026-11-24T01:00:00Z");
    let t = Timer::start(t0, utc, 3600).unwrap();
    let t = t.pause(plus(t0, 50 * MIN)).unwrap();
    // The limit was lowered to 30 minutes meanwhile.
    let t = t.resume(plus(t0, HOUR), utc, 1800).unwrap();
    assert_eq!(t.state(), State::Forgotten);
    assert_eq!(t.elapsed_ms(plus(t0, 9 * HOUR)), 50 * MIN);
}

#[test]
fn logged_seconds_follow_the_site_rule() {
    let keep = RoundingRule::new(RoundMode::Up, 15, Target::Total).unwrap();
    let twenty = Seconds::from_minutes(20).unwrap();
    let total: u64 = (0..3)
        .map(|_| logged_seconds(twenty, &keep).unwrap().get())
        .sum();
    assert_eq!(total, 3600);
    let up = RoundingRule::new(RoundMode::Up, 15, Target::PerWorklog).unwrap();
    assert_eq!(
        logged_seconds(Seconds::from_minutes(7).unwrap(), &up)
            .unwrap()
            .get(),
        900
    );
    let down = RoundingRule::new(RoundMode::Down, 15, Target::PerWorklog).unwrap();
    assert_eq!(
        logged_seconds(Seconds::from_minutes(7).unwrap(), &down)
            .unwrap()
            .get(),
        0
    );
}

#[test]
fn parts_are_made_consistent() {
    let t0 = at("2026-11-24T01:00:00Z");
    let t = Timer::from_parts(State::Running, t0, -5, None, None);
    assert_eq!(t.state(), State::Paused);
    assert_eq!(t.accumulated_ms(), 0);
    for state in [State::Running, State::Paused, State::Forgotten] {
        assert_eq!(State::parse(state.as_str()), Some(state));
    }
    for reason in [StopReason::Limit, StopReason::Midnight] {
        assert_eq!(StopReason::parse(reason.as_str()), Some(reason));
    }
}

const ZONES: [&str; 6] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/Santiago",
];

#[derive(Clone, Copy, Debug)]
enum Step {
    Pause,
    Resume,
    Settle,
}

fn steps() -> impl Strategy<Value = Vec<(Step, i64)>> {
    proptest::collection::vec(
        (
            prop_oneof![Just(Step::Pause), Just(Step::Resume), Just(Step::Settle)],
            0_i64..20 * HOUR,
        ),
        0..30,
    )
}

proptest! {
    #[test]
    fn invariants_hold_over_any_sequence(
        start in 1_700_000_000_000_i64..1_900_000_000_000,
        zone_index in 0_usize..ZONES.len(),
        limit_minutes in 1_u32..=1440,
        steps in steps(),
    ) {
        let zone = zone(ZONES[zone_index]);
        let limit = limit_minutes * 60;
        let limit_ms = i64::from(limit) * 1000;
        let mut now = Instant::from_millis(start);
        let mut timer = Timer::start(now, zone, limit).unwrap();
        for (step, gap) in steps {
            now = plus(now, gap);
            let before = timer.settle(now);
            let next = match step {
                Step::Pause => timer.pause(now),
                Step::Resume => timer.resume(now, zone, limit),
                Step::Settle => Ok(timer.settle(now)),
            };
            let next = match next {
                Ok(next) => next,
                Err(e) => {
                    prop_assert_eq!(e.reason(), "timer-forgotten");
                    prop_assert_eq!(before.state(), State::Forgotten);
                    before
                }
            };
            // Elapsed time is never negative, never decreases, and a settled
            // timer never passes the limit.
            prop_assert!(next.elapsed_ms(now) >= 0);
            prop_assert!(next.elapsed_ms(now) >= timer.settle(now).elapsed_ms(now));
            prop_assert!(next.settle(now).elapsed_ms(now) <= limit_ms);
            // Pausing or resuming twice is pausing or resuming once.
            if let Ok(paused) = next.pause(now) {
                prop_assert_eq!(paused.pause(now).unwrap(), paused);
            }
            if let Ok(resumed) = next.resume(now, zone, limit) {
                prop_assert_eq!(resumed.resume(now, zone, limit).unwrap(), resumed);
            }
            // A running segment stops within a day and a bit (the longest
            // local day is 25 hours).
            if let (Some(since), Some(stop)) = (next.running_since(), next.stop()) {
                prop_assert!(stop.at >= since);
                prop_assert!(stop.at.millis() - since.millis() <= 25 * HOUR);
            }
            prop_assert_eq!(next.first_start(), Instant::from_millis(start));
            timer = next;
        }
    }
}
