//! Turning the calendar dates a counsellor writes into instants.
//!
//! Dates are days in the practice's time zone, Europe/Amsterdam. A date that
//! starts a period (`--from`) means the start of that day; a date that ends a
//! period ("valid until and including", "counselling ended on") means the
//! start of the next day, so the whole named day is inside the period.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::error::{Error, Result};

/// The time zone dates are interpreted in.
pub const PRACTICE_TIME_ZONE: &str = "Europe/Amsterdam";

pub fn zone() -> TimeZone {
    TimeZone::get(PRACTICE_TIME_ZONE).expect("the bundled time zone database has Europe/Amsterdam")
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date> {
    let trimmed = text.trim();
    if trimmed.len() != 10 {
        return Err(Error::InvalidDate {
            value: text.to_string(),
        });
    }
    trimmed.parse::<Date>().map_err(|_| Error::InvalidDate {
        value: text.to_string(),
    })
}

/// Returns the first instant of `date` in the practice's time zone.
pub fn start_of(date: Date) -> Timestamp {
    date.to_zoned(zone())
        .expect("every day of the supported range has a start")
        .timestamp()
}

/// Returns the first instant after `date` in the practice's time zone: the
/// exclusive end of a period that includes `date`.
pub fn end_of(date: Date) -> Timestamp {
    let next = date.tomorrow().expect("dates before 9999-12-31 have a next day");
    start_of(next)
}

/// Returns today's date in the practice's time zone.
pub fn today() -> Date {
    Timestamp::now().to_zoned(zone()).date()
}

/// Returns the date an instant falls on, in the practice's time zone.
pub fn date_of(instant: Timestamp) -> Date {
    instant.to_zoned(zone()).date()
}

/// Formats an instant as `YYYY-MM-DD HH:MM` in the practice's time zone.
pub fn minute_of(instant: Timestamp) -> String {
    instant.to_zoned(zone()).strftime("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_day_in_winter() {
        let date = parse_date("2027-12-31").unwrap();
        assert_eq!(end_of(date).to_string(), "2027-12-31T23:00:00Z");
    }

    #[test]
    fn start_of_day_in_summer() {
        let date = parse_date("2026-07-01").unwrap();
        assert_eq!(start_of(date).to_string(), "2026-06-30T22:00:00Z");
    }

    #[test]
    fn dst_change_day_handled() {
        let date = parse_date("2026-03-28").unwrap();
        assert_eq!(end_of(date).to_string(), "2026-03-28T23:00:00Z");
        assert_eq!(
            end_of(parse_date("2026-03-29").unwrap()).to_string(),
            "2026-03-29T22:00:00Z"
        );
    }

    #[test]
    fn malformed_dates_rejected() {
        for bad in ["2026-13-01", "2026-02-30", "1-1-2026", "", "2026-1-1", "morgen"] {
            assert!(parse_date(bad).is_err(), "{bad} accepted");
        }
    }
}
