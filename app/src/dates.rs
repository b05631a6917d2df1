//! Dates as the NHS.UK date input takes them: day, month and year in three boxes, joined into
//! the `YYYY-MM-DD` the domain reads. Shared by the pages (to fill the boxes again) and the server
//! functions (to read them).

/// The date the three boxes hold, as `YYYY-MM-DD`; empty when all three are. Boxes that do not
/// make a date shape are joined as typed (`2024-13-x`), which the domain then refuses as not a
/// real date, and which [`split`] gives back to the boxes unchanged.
pub fn join(day: &str, month: &str, year: &str) -> String {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return String::new();
    }
    let number = |s: &str, most: usize| {
        (!s.is_empty() && s.len() <= most && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (number(day, 2), number(month, 2), number(year, 4)) {
        (Some(d), Some(m), Some(y)) if year.len() == 4 => format!("{y:04}-{m:02}-{d:02}"),
        _ => format!("{year}-{month}-{day}"),
    }
}

/// The boxes (day, month, year) for a date kept or echoed as [`join`] wrote it; a date in the
/// `YYYY-MM-DD` shape loses its leading zeros ("1", "4", "2024"), as a person types it.
pub fn split(joined: &str) -> (String, String, String) {
    let mut parts = joined.splitn(3, '-');
    let (year, month, day) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let plain = |s: &str| match s.parse::<u32>() {
        Ok(n) if s.bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
        _ => s.to_owned(),
    };
    (plain(day), plain(month), year.to_owned())
}

/// The hint under an optional "Access ends on": what an empty date means, and the limit.
pub fn optional_hint(max_days: i64) -> String {
    format!(
        "Only for temporary access, like a locum's cover: the last day the role works. It stops \
         at the end of that day, UK time. Leave it empty for access that lasts until it is \
         removed. For example, 31 3 2027. At most {max_days} days from today."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_boxes_make_an_iso_date() {
        assert_eq!(join("1", "4", "2024"), "2024-04-01");
        assert_eq!(join(" 31 ", "12", "1974"), "1974-12-31");
        assert_eq!(join("", "", ""), "");
    }

    #[test]
    fn boxes_that_are_not_a_date_shape_stay_as_typed_and_come_back() {
        for (d, m, y) in [
            ("1", "4", "24"),
            ("x", "4", "2024"),
            ("1", "", "2024"),
            ("123", "4", "2024"),
        ] {
            let joined = join(d, m, y);
            assert!(
                domain::features::organisations::parse_iso_date(&joined).is_err(),
                "{joined} must be refused as not a real date"
            );
            assert_eq!(split(&joined), (d.to_owned(), m.to_owned(), y.to_owned()));
        }
    }

    #[test]
    fn a_kept_date_fills_the_boxes_as_a_person_types_them() {
        assert_eq!(split("2024-04-01"), ("1".into(), "4".into(), "2024".into()));
        assert_eq!(split(""), (String::new(), String::new(), String::new()));
    }
}
