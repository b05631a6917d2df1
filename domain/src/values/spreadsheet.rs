//! CSV downloads that a spreadsheet opens safely.

/// A CSV text: a header row, then one row per record. A cell that a spreadsheet would read as a
/// formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe, so
/// a name like `=HYPERLINK(...)` stays text (OWASP "CSV injection").
pub fn csv<const N: usize>(
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for cells in rows {
        w.write_record(cells.iter().map(|c| defuse(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text_and_commas_are_quoted() {
        let out = csv(
            ["A", "B"],
            [
                ["=1+1".to_owned(), "Smith, Jo".to_owned()],
                ["-2".to_owned(), "plain".to_owned()],
            ],
        )
        .unwrap();
        assert_eq!(out, "A,B\n'=1+1,\"Smith, Jo\"\n'-2,plain\n");
    }
}
