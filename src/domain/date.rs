//! Calendar dates in `YYYY-MM-DD` form and Indian financial years.

use std::fmt;

use serde::{Serialize, Serializer};
use time::{Date, Month};

use super::FieldError;

/// A calendar date written as `YYYY-MM-DD` (years 0001 to 9999).
///
/// `Display` and `Serialize` write the same `YYYY-MM-DD` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDate(Date);

impl IsoDate {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_iso_date(input).map(Self)
    }

    pub fn date(&self) -> Date {
        self.0
    }

    /// The financial year containing this date, e.g. `"2026-27"`.
    pub fn financial_year(&self) -> String {
        financial_year(self.0)
    }
}

impl From<Date> for IsoDate {
    fn from(date: Date) -> Self {
        Self(date)
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Parses exactly `YYYY-MM-DD`: ten characters, no whitespace, no sign, no
/// time part. A well-formed text naming a day that does not exist (such as
/// `2026-02-30`) is `invalid_value`; year 0000 is `out_of_range`.
pub fn parse_iso_date(input: &str) -> Result<Date, FieldError> {
    if input.is_empty() {
        return Err(FieldError::required("date is required"));
    }
    let shape_error = || FieldError::invalid_format("date must be written as YYYY-MM-DD");
    let bytes = input.as_bytes();
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = bytes else {
        return Err(shape_error());
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(|b| b.is_ascii_digit()) {
        return Err(shape_error());
    }
    let number = |ds: &[&u8]| {
        ds.iter()
            .fold(0u16, |acc, b| acc * 10 + u16::from(**b - b'0'))
    };
    let year = number(&[y1, y2, y3, y4]);
    let month = number(&[m1, m2]);
    let day = number(&[d1, d2]);
    if year == 0 {
        return Err(FieldError::out_of_range("year must be from 0001 to 9999"));
    }
    let no_such_day = || FieldError::invalid_value("date does not exist in the calendar");
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(no_such_day)?;
    let day = u8::try_from(day).map_err(|_| no_such_day())?;
    Date::from_calendar_date(i32::from(year), month, day).map_err(|_| no_such_day())
}

/// Writes a date as `YYYY-MM-DD`.
pub fn format_iso_date(date: Date) -> String {
    IsoDate(date).to_string()
}

/// The Indian financial year (1 April to 31 March) containing `date`, written
/// as the starting year and the last two digits of the ending year:
/// 2027-03-31 → `"2026-27"`, 2027-04-01 → `"2027-28"`, 2099-04-01 → `"2099-00"`.
pub fn financial_year(date: Date) -> String {
    let start = if u8::from(date.month()) >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    let end = (start + 1).rem_euclid(100);
    format!("{start:04}-{end:02}")
}

/// The financial year as the Rule 46 numbers print it: 2026-27 → `"26-27"`.
pub fn short_financial_year(date: Date) -> String {
    let fy = financial_year(date);
    fy.get(2..).unwrap_or(&fy).to_string()
}

/// The first day of the financial year after the one containing `date`.
pub fn next_financial_year_start(date: Date) -> Date {
    let start = if u8::from(date.month()) >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    Date::from_calendar_date(start + 1, time::Month::April, 1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn short_years() {
        assert_eq!(short_financial_year(date!(2027 - 03 - 31)), "26-27");
        assert_eq!(short_financial_year(date!(2027 - 04 - 01)), "27-28");
        assert_eq!(
            next_financial_year_start(date!(2026 - 12 - 03)),
            date!(2027 - 04 - 01)
        );
        assert_eq!(
            next_financial_year_start(date!(2027 - 02 - 03)),
            date!(2027 - 04 - 01)
        );
    }

    #[test]
    fn parses_valid_dates() {
        assert_eq!(parse_iso_date("2026-04-01").unwrap(), date!(2026 - 04 - 01));
        assert_eq!(parse_iso_date("2024-02-29").unwrap(), date!(2024 - 02 - 29));
        assert_eq!(parse_iso_date("0001-01-01").unwrap(), date!(0001 - 01 - 01));
        assert_eq!(parse_iso_date("9999-12-31").unwrap(), date!(9999 - 12 - 31));
        let d = IsoDate::parse("2027-03-31").unwrap();
        assert_eq!(d.to_string(), "2027-03-31");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2027-03-31\"");
        assert_eq!(d.financial_year(), "2026-27");
    }

    #[test]
    fn rejects_bad_dates() {
        let code = |s: &str| parse_iso_date(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        for s in [
            "2026-4-01",
            "2026/04/01",
            "26-04-01",
            " 2026-04-01",
            "2026-04-01 ",
            "2026-04-01T00:00:00Z",
            "+2026-04-01",
            "2026-0a-01",
            "２０２６-04-01",
            "20260401",
        ] {
            assert_eq!(code(s), "invalid_format", "{s:?}");
        }
        for s in [
            "2026-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-04-00",
        ] {
            assert_eq!(code(s), "invalid_value", "{s:?}");
        }
        assert_eq!(code("0000-01-01"), "out_of_range");
    }

    #[test]
    fn financial_years() {
        assert_eq!(financial_year(date!(2027 - 03 - 31)), "2026-27");
        assert_eq!(financial_year(date!(2027 - 04 - 01)), "2027-28");
        assert_eq!(financial_year(date!(2026 - 01 - 15)), "2025-26");
        assert_eq!(financial_year(date!(2099 - 04 - 01)), "2099-00");
        assert_eq!(financial_year(date!(2100 - 03 - 31)), "2099-00");
        assert_eq!(financial_year(date!(2000 - 03 - 31)), "1999-00");
        assert_eq!(financial_year(date!(2009 - 12 - 31)), "2009-10");
        assert_eq!(format_iso_date(date!(0005 - 06 - 07)), "0005-06-07");
    }

    proptest! {
        #[test]
        fn every_real_date_round_trips(days in 0i32..3_652_059) {
            // Julian day 1_721_426 is 0001-01-01.
            let d = Date::from_julian_day(1_721_426 + days).unwrap();
            let text = format_iso_date(d);
            prop_assert_eq!(parse_iso_date(&text).unwrap(), d);
            let fy = financial_year(d);
            prop_assert_eq!(fy.len(), 7);
            let start: i32 = fy[..4].parse().unwrap();
            prop_assert!(start == d.year() || start == d.year() - 1);
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,12}") {
            let _ = parse_iso_date(&s);
        }

        #[test]
        fn date_shaped_input_never_panics(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            let _ = parse_iso_date(&s);
        }
    }
}
