//! The proleptic Gregorian calendar of `datetime`: dates to day numbers (ordinals, day 1 is
//! 0001-01-01) and back, weekdays and ISO weeks, and the range checks with CPython's
//! messages.

use crate::runtime::exceptions::value_error;
use crate::vm::PyResult;

/// A date's fields, already checked.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Ymd {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

pub const MAX_ORDINAL: i64 = 3_652_059;
const DAYS_IN_MONTH: [u8; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH: [u16; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: u8) -> u8 {
    if month == 2 && is_leap(year) {
        29
    } else {
        DAYS_IN_MONTH[month as usize]
    }
}

fn days_before_year(year: i64) -> i64 {
    let y = year - 1;
    y * 365 + y / 4 - y / 100 + y / 400
}

fn days_before_month(year: i64, month: u8) -> i64 {
    DAYS_BEFORE_MONTH[month as usize] as i64 + (month > 2 && is_leap(year)) as i64
}

impl Ymd {
    /// Checks the fields as `date(year, month, day)` does.
    pub fn new(year: i64, month: i64, day: i64) -> PyResult<Ymd> {
        if !(1..=9999).contains(&year) {
            return Err(value_error(format!("year {} is out of range", year)));
        }
        if !(1..=12).contains(&month) {
            return Err(value_error("month must be in 1..12"));
        }
        if day < 1 || day > days_in_month(year, month as u8) as i64 {
            return Err(value_error("day is out of range for month"));
        }
        Ok(Ymd { year: year as i32, month: month as u8, day: day as u8 })
    }

    pub fn ordinal(&self) -> i64 {
        let y = self.year as i64;
        days_before_year(y) + days_before_month(y, self.month) + self.day as i64
    }

    /// The date of day number `n`, which must be in 1..=MAX_ORDINAL.
    pub fn from_ordinal(n: i64) -> Ymd {
        let mut n = n - 1;
        let n400 = n / 146_097;
        n %= 146_097;
        let n100 = n / 36_524;
        n %= 36_524;
        let n4 = n / 1_461;
        n %= 1_461;
        let n1 = n / 365;
        n %= 365;
        let year = n400 * 400 + 1 + n100 * 100 + n4 * 4 + n1;
        if n1 == 4 || n100 == 4 {
            return Ymd { year: (year - 1) as i32, month: 12, day: 31 };
        }
        let leap = n1 == 3 && (n4 != 24 || n100 == 3);
        let mut month = ((n + 50) >> 5) as u8;
        let mut preceding = DAYS_BEFORE_MONTH[month as usize] as i64 + (month > 2 && leap) as i64;
        if preceding > n {
            month -= 1;
            preceding -= DAYS_IN_MONTH[month as usize] as i64 + (month == 2 && leap) as i64;
        }
        Ymd { year: year as i32, month, day: (n - preceding + 1) as u8 }
    }

    /// The date of day number `n`, or CPython's OverflowError for one out of range.
    pub fn checked_from_ordinal(n: i64) -> PyResult<Ymd> {
        if (1..=MAX_ORDINAL).contains(&n) {
            Ok(Ymd::from_ordinal(n))
        } else {
            Err(crate::runtime::exceptions::overflow_error("date value out of range"))
        }
    }

    /// Monday is 0.
    pub fn weekday(&self) -> u8 {
        ((self.ordinal() + 6) % 7) as u8
    }

    pub fn day_of_year(&self) -> i64 {
        days_before_month(self.year as i64, self.month) + self.day as i64
    }

    /// The ISO year, week and weekday (Monday is 1).
    pub fn iso_calendar(&self) -> (i64, i64, i64) {
        let mut year = self.year as i64;
        let today = self.ordinal();
        let mut week1 = iso_week1_monday(year);
        let mut week = (today - week1).div_euclid(7);
        let mut day = (today - week1).rem_euclid(7);
        if week < 0 {
            year -= 1;
            week1 = iso_week1_monday(year);
            week = (today - week1).div_euclid(7);
            day = (today - week1).rem_euclid(7);
        } else if week >= 52 && today >= iso_week1_monday(year + 1) {
            year += 1;
            week = 0;
        }
        (year, week + 1, day + 1)
    }
}

/// The day number of the Monday of ISO week 1 of `year`.
pub fn iso_week1_monday(year: i64) -> i64 {
    let first = days_before_year(year) + 1;
    let first_weekday = (first + 6) % 7;
    let monday = first - first_weekday;
    if first_weekday > 3 {
        monday + 7
    } else {
        monday
    }
}

/// The date of ISO `year`, `week` and `day` (`date.fromisocalendar`).
pub fn from_iso_calendar(year: i64, week: i64, day: i64) -> PyResult<Ymd> {
    if !(1..=9999).contains(&year) {
        return Err(value_error(format!("Year is out of range: {}", year)));
    }
    if week <= 0 || week >= 53 {
        let long_year = {
            let first_weekday = (days_before_year(year) + 1 + 6) % 7;
            first_weekday == 3 || (first_weekday == 2 && is_leap(year))
        };
        if !(week == 53 && long_year) {
            return Err(value_error(format!("Invalid week: {}", week)));
        }
    }
    if !(1..=7).contains(&day) {
        return Err(value_error(format!("Invalid weekday: {} (range is [1, 7])", day)));
    }
    let n = iso_week1_monday(year) + (week - 1) * 7 + (day - 1);
    Ymd::checked_from_ordinal(n).map_err(|_| value_error(format!("Year is out of range: {}", year)))
}
