//! Times as people in England read them: UK local time (GMT or BST, whichever was in force),
//! "3 December 2026, 8:39am", and dates in the same words, "3 December 2026". Every page uses
//! these; nothing on a page is in UTC (the audit's CSV keeps ISO 8601 UTC for machines).

use domain::Timestamp;
use jiff::tz::TimeZone;
use jiff::ZonedDateTime as Zoned;

static LONDON: TimeZone = jiff::tz::get!("Europe/London");

fn zoned(t: Timestamp) -> Option<Zoned> {
    jiff::Timestamp::from_second(t.0)
        .ok()
        .map(|ts| ts.to_zoned_datetime(LONDON.clone()))
}

/// "8:39am", "12:05pm".
pub fn time(t: Timestamp) -> String {
    zoned(t).map(|z| clock(&z)).unwrap_or_default()
}

/// "3 December 2026".
pub fn date(t: Timestamp) -> String {
    zoned(t)
        .map(|z| z.strftime("%-d %B %Y").to_string())
        .unwrap_or_default()
}

/// A calendar date kept as `YYYY-MM-DD` (an organisation's start, say), in the same words:
/// "1 April 1974". Anything else is shown as it is.
pub fn calendar(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%-d %B %Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

/// The last UK day before the instant `t`, as `YYYY-MM-DD`: the last day of access of a role
/// whose access ends at `t` (ends are set at the start of the following day).
pub fn last_day(t: Timestamp) -> String {
    zoned(Timestamp(t.0 - 1))
        .map(|z| z.date().to_string())
        .unwrap_or_default()
}

/// That last day in words, "31 March 2027": how a role's end is shown.
pub fn last_day_words(t: Timestamp) -> String {
    calendar(&last_day(t))
}

/// When a UK day (`YYYY-MM-DD`) starts, and when the day after it starts: midnight UK time,
/// whichever of GMT or BST is in force. `None` unless it is a real date.
pub fn day_bounds(iso: &str) -> Option<(Timestamp, Timestamp)> {
    let day = iso.parse::<jiff::civil::Date>().ok()?;
    let start = |d: jiff::civil::Date| {
        d.to_zoned_datetime(LONDON.clone())
            .ok()
            .map(|z| Timestamp(z.timestamp().as_second()))
    };
    Some((start(day)?, start(day.tomorrow().ok()?)?))
}

/// "3 December 2026, 8:39am".
pub fn date_time(t: Timestamp) -> String {
    zoned(t)
        .map(|z| format!("{}, {}", z.strftime("%-d %B %Y"), clock(&z)))
        .unwrap_or_default()
}

fn clock(z: &Zoned) -> String {
    let hour = z.hour();
    let twelve = match hour % 12 {
        0 => 12,
        h => h,
    };
    let half = if hour < 12 { "am" } else { "pm" };
    format!("{twelve}:{:02}{half}", z.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_last_day_of_access_round_trips_through_its_end_across_both_clock_changes() {
        for day in ["2026-03-29", "2026-10-25", "2026-12-31", "2027-06-01"] {
            let (_, end) = day_bounds(day).expect("a day");
            assert_eq!(last_day(end), day);
        }
    }

    fn at(iso: &str) -> Timestamp {
        Timestamp(iso.parse::<jiff::Timestamp>().expect("iso").as_second())
    }

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        assert_eq!(
            date_time(at("2026-12-03T08:39:00Z")),
            "3 December 2026, 8:39am"
        );
        assert_eq!(date_time(at("2026-07-01T08:39:00Z")), "1 July 2026, 9:39am");
    }

    #[test]
    fn the_clocks_change_on_the_last_sundays_of_march_and_october() {
        // 29 March 2026: 01:00 GMT becomes 02:00 BST.
        assert_eq!(time(at("2026-03-29T00:59:00Z")), "12:59am");
        assert_eq!(time(at("2026-03-29T01:00:00Z")), "2:00am");
        // 25 October 2026: 02:00 BST becomes 01:00 GMT.
        assert_eq!(time(at("2026-10-25T00:59:00Z")), "1:59am");
        assert_eq!(time(at("2026-10-25T01:00:00Z")), "1:00am");
    }

    #[test]
    fn noon_and_midnight_read_as_people_say_them() {
        assert_eq!(time(at("2026-12-03T12:05:00Z")), "12:05pm");
        assert_eq!(time(at("2026-12-03T00:00:00Z")), "12:00am");
        assert_eq!(date(at("2026-12-03T23:59:00Z")), "3 December 2026");
        // Just after midnight in summer is the next day in the UK.
        assert_eq!(date(at("2026-07-01T23:30:00Z")), "2 July 2026");
    }

    #[test]
    fn a_uk_day_starts_at_uk_midnight_and_the_clock_change_days_are_23_and_25_hours() {
        let (start, end) = day_bounds("2026-07-01").expect("a day");
        assert_eq!(start, at("2026-06-30T23:00:00Z"));
        assert_eq!(end, at("2026-07-01T23:00:00Z"));
        let (start, end) = day_bounds("2026-03-29").expect("a day");
        assert_eq!(end.0 - start.0, 23 * 3600);
        let (start, end) = day_bounds("2026-10-25").expect("a day");
        assert_eq!(end.0 - start.0, 25 * 3600);
        assert_eq!(day_bounds("2026-02-30"), None);
        assert_eq!(day_bounds("yesterday"), None);
    }

    #[test]
    fn calendar_dates_read_as_words_and_anything_else_stays_as_it_is() {
        assert_eq!(calendar("1974-04-01"), "1 April 1974");
        assert_eq!(calendar("2026-12-31"), "31 December 2026");
        assert_eq!(calendar("N/A"), "N/A");
        assert_eq!(calendar(""), "");
    }
}
