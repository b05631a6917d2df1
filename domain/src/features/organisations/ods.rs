//! Reading NHS Organisation Data Service extracts (shapes in `data/ods/README.md`) into
//! organisations. Bad rows are reported with their line number and skipped, never fatal.

use crate::model::organisation::{NewOrganisation, OrgKind};
use crate::values::ods_code::OdsCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Which extract the row came from: "icb", "eccg" or "epraccur".
    pub source: &'static str,
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub organisations: Vec<NewOrganisation>,
    pub rejected: Vec<Rejected>,
}

const EXTRACT_COLUMNS: usize = 27;

/// `YYYYMMDD` → `YYYY-MM-DD`; empty → None.
pub fn parse_date(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = raw.len() == 8 && raw.chars().all(|c| c.is_ascii_digit());
    let (y, m, d) = if ok {
        (&raw[0..4], &raw[4..6], &raw[6..8])
    } else {
        ("", "", "")
    };
    let month_ok = matches!(m.parse::<u8>(), Ok(1..=12));
    let day_ok = matches!(d.parse::<u8>(), Ok(1..=31));
    if ok && month_ok && day_ok {
        Ok(Some(format!("{y}-{m}-{d}")))
    } else {
        Err(format!("malformed date {raw:?}"))
    }
}

fn records(
    text: &str,
) -> impl Iterator<Item = (usize, Result<csv::StringRecord, csv::Error>)> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect::<Vec<_>>()
        .into_iter()
}

/// One row of an epraccur/eccg-shaped extract, checked.
struct ExtractRow {
    code: OdsCode,
    name: String,
    region: String,
    icb: String,
    open: String,
    close: Option<String>,
    commissioner: String,
    setting: String,
}

fn extract_row(
    line: usize,
    r: Result<csv::StringRecord, csv::Error>,
) -> Result<ExtractRow, Rejected> {
    let reject = |reason: String| Rejected {
        source: "",
        line,
        reason,
    };
    let r = r.map_err(|e| reject(format!("unreadable row: {e}")))?;
    if r.len() != EXTRACT_COLUMNS {
        return Err(reject(format!(
            "expected {EXTRACT_COLUMNS} columns, found {}",
            r.len()
        )));
    }
    let code =
        OdsCode::parse(&r[0]).map_err(|e| reject(format!("organisation code {:?}: {e}", &r[0])))?;
    let name = r[1].trim().to_owned();
    if name.is_empty() {
        return Err(reject("organisation name is empty".into()));
    }
    let open = parse_date(&r[10])
        .map_err(&reject)?
        .ok_or_else(|| reject("open date is empty".into()))?;
    let close = parse_date(&r[11]).map_err(&reject)?;
    Ok(ExtractRow {
        code,
        name,
        region: r[2].trim().to_ascii_uppercase(),
        icb: r[3].trim().to_ascii_uppercase(),
        open,
        close,
        commissioner: r[14].trim().to_ascii_uppercase(),
        setting: r[25].trim().to_ascii_uppercase(),
    })
}

/// The title case ODS names lack: "THE DENSHAM SURGERY" → "The Densham Surgery". Each run of
/// letters starts with a capital, so the name's own structure stays ("ROAD(RAWLING" →
/// "Road(Rawling", "HART-ON-SEA" → "Hart-On-Sea"), but an apostrophe does not start one ("ST
/// MARY'S" → "St Mary's"). Acronyms, and words with digits (codes), are kept as they are.
pub fn tidy_name(raw: &str) -> String {
    const KEEP_UPPER: [&str; 6] = ["NHS", "ICB", "CCG", "GP", "PCN", "UK"];
    raw.split(' ')
        .map(|w| {
            if KEEP_UPPER.contains(&w) || w.chars().any(|c| c.is_ascii_digit()) {
                return w.to_owned();
            }
            let chars: Vec<char> = w.chars().collect();
            let mut out = String::with_capacity(w.len());
            let mut i = 0;
            while i < chars.len() {
                if !chars[i].is_alphabetic() {
                    out.push(chars[i]);
                    i += 1;
                    continue;
                }
                // A run of letters (an apostrophe inside keeps it going: "MARY'S").
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphabetic() || matches!(chars[i], '\'' | '\u{2019}'))
                {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect();
                if KEEP_UPPER.contains(&run.as_str()) {
                    out.push_str(&run);
                } else {
                    let lower = run.to_lowercase();
                    let mut cs = lower.chars();
                    if let Some(f) = cs.next() {
                        out.extend(f.to_uppercase());
                        out.extend(cs);
                    }
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the organisation tree from the ODS extracts (shapes in `data/ods/README.md`): NHS
/// England regions, the ICBs of `icb_list` under their region, the sub-ICB locations (and
/// former CCGs) of `eccg` under their ICB, and the GP practices (prescribing setting 4 or RO76) of
/// `epraccur` under their commissioner (column 15). With `only_icb`, just that ICB's branch.
/// Parents always precede children. Rows of other kinds of prescribing cost centre are skipped
/// silently; bad rows are rejected with their source and line, and never stop the rest.
pub fn tree(only_icb: Option<&str>, icb_list: &str, eccg: &str, epraccur: &str) -> Parsed {
    let mut out = Parsed::default();
    let only_icb = only_icb.map(str::to_ascii_uppercase);
    let wanted = |icb: &str| only_icb.as_deref().is_none_or(|o| o == icb);

    // The ICB list: ODS code → name.
    let mut icbs: Vec<(OdsCode, String)> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(icb_list.as_bytes());
    for (i, r) in reader.records().enumerate() {
        let line = i + 2;
        let reject = |reason: String| Rejected {
            source: "icb",
            line,
            reason,
        };
        let r = match r {
            Ok(r) if r.len() >= 3 => r,
            Ok(r) => {
                out.rejected.push(reject(format!(
                    "expected 3 or more columns, found {}",
                    r.len()
                )));
                continue;
            }
            Err(e) => {
                out.rejected.push(reject(format!("unreadable row: {e}")));
                continue;
            }
        };
        match OdsCode::parse(&r[1]) {
            Ok(code) if wanted(code.as_str()) => icbs.push((code, r[2].trim().to_owned())),
            Ok(_) => {}
            Err(e) => out
                .rejected
                .push(reject(format!("ICB code {:?}: {e}", &r[1]))),
        }
    }
    if let Some(o) = &only_icb {
        if icbs.is_empty() {
            out.rejected.push(Rejected {
                source: "icb",
                line: 0,
                reason: format!("ICB {o} is not in the ICB list"),
            });
            return out;
        }
    }

    let mut commissioners = Vec::new();
    for (line, r) in records(eccg) {
        match extract_row(line, r) {
            Ok(row) if !wanted(&row.icb) => {}
            Ok(row) if icbs.iter().any(|(c, _)| c.as_str() == row.icb) => commissioners.push(row),
            Ok(row) => out.rejected.push(Rejected {
                source: "eccg",
                line,
                reason: format!("unknown ICB {:?}", row.icb),
            }),
            Err(rej) => out.rejected.push(Rejected {
                source: "eccg",
                ..rej
            }),
        }
    }

    // Regions, in the order first met, then ICBs under theirs.
    let mut regions: Vec<OdsCode> = Vec::new();
    let mut icb_region: Vec<(OdsCode, String, OdsCode)> = Vec::new();
    for (code, name) in &icbs {
        let region = commissioners
            .iter()
            .find(|c| c.icb == code.as_str())
            .and_then(|c| OdsCode::parse(&c.region).ok());
        let Some(region) = region else {
            out.rejected.push(Rejected {
                source: "icb",
                line: 0,
                reason: format!(
                    "no commissioners listed under ICB {code}, so its region is unknown"
                ),
            });
            continue;
        };
        if !regions.contains(&region) {
            regions.push(region.clone());
        }
        icb_region.push((code.clone(), name.clone(), region));
    }
    for region in &regions {
        out.organisations.push(NewOrganisation {
            code: region.clone(),
            name: region_name(region.as_str()),
            kind: OrgKind::Commissioning,
            type_label: "NHS England Region".into(),
            parent_code: None,
            start_date: "2013-04-01".into(),
            end_date: None,
            contract_type: None,
        });
    }
    for (code, name, region) in &icb_region {
        out.organisations.push(NewOrganisation {
            code: code.clone(),
            name: name.clone(),
            kind: OrgKind::Commissioning,
            type_label: "Integrated Care Board".into(),
            parent_code: Some(region.clone()),
            start_date: "2022-07-01".into(),
            end_date: None,
            contract_type: None,
        });
    }
    let placed: std::collections::HashSet<String> = icb_region
        .iter()
        .map(|(c, _, _)| c.as_str().to_owned())
        .collect();
    commissioners.retain(|c| placed.contains(&c.icb));
    for c in &commissioners {
        let label = if c.name.ends_with(" CCG") {
            "Clinical Commissioning Group"
        } else {
            "Sub-ICB Location"
        };
        out.organisations.push(NewOrganisation {
            code: c.code.clone(),
            name: tidy_name(&c.name),
            kind: OrgKind::Commissioning,
            type_label: label.into(),
            parent_code: OdsCode::parse(&c.icb).ok(),
            start_date: c.open.clone(),
            end_date: c.close.clone(),
            contract_type: None,
        });
    }
    let commissioner_codes: std::collections::HashSet<&str> =
        commissioners.iter().map(|c| c.code.as_str()).collect();

    for (line, r) in records(epraccur) {
        let row = match extract_row(line, r) {
            Ok(row) => row,
            Err(rej) => {
                out.rejected.push(Rejected {
                    source: "epraccur",
                    ..rej
                });
                continue;
            }
        };
        if row.setting != "4" && row.setting != "RO76" {
            continue; // another kind of prescribing cost centre, not a GP practice
        }
        if !wanted(&row.icb) {
            continue;
        }
        if !commissioner_codes.contains(row.commissioner.as_str()) {
            out.rejected.push(Rejected {
                source: "epraccur",
                line,
                reason: format!("unknown commissioner {:?}", row.commissioner),
            });
            continue;
        }
        out.organisations.push(NewOrganisation {
            code: row.code,
            name: tidy_name(&row.name),
            kind: OrgKind::Provider,
            type_label: "GP Practice".into(),
            parent_code: OdsCode::parse(&row.commissioner).ok(),
            start_date: row.open,
            end_date: row.close,
            contract_type: None,
        });
    }
    out
}

fn region_name(code: &str) -> String {
    match code {
        "Y56" => "NHS England London",
        "Y58" => "NHS England South West",
        "Y59" => "NHS England South East",
        "Y60" => "NHS England Midlands",
        "Y61" => "NHS England East of England",
        "Y62" => "NHS England North West",
        "Y63" => "NHS England North East and Yorkshire",
        _ => "NHS England Region",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ICBS: &str = "ICB24CD,ICB24CDH,ICB24NM,ObjectId\nE54000050,QHM,NHS North East and North Cumbria Integrated Care Board,30\n";
    const ECCG: &str = concat!(
        r#""16C","NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C","Y63","QHM","A","B","","C","","TS1 1AA","20200401","","","RO319","","","","","","","","1","","","","","""#,
        "\n",
        r#""99X","OTHER","Y56","QRV","A","B","","C","","TS1 1AA","20200401","","","RO319","","","","","","","","1","","","","","""#,
        "\n"
    );

    fn practice(code: &str, commissioner: &str, open: &str, setting: &str) -> String {
        format!(
            r#""{code}","THE DENSHAM SURGERY","Y63","QHM","A","B","C","D","","TS18 1HU","{open}","","A","B","{commissioner}","20200401","","01642","","","","0","","{commissioner}","","{setting}","""#
        )
    }

    #[test]
    fn a_tree_has_region_icb_commissioners_and_practices_in_parent_order() {
        let prac = [
            practice("A81001", "16C", "19740401", "4"),
            practice("A81002", "16C", "19740401", "RO76"),
        ]
        .join("\n");
        let p = tree(Some("qhm"), ICBS, ECCG, &prac);
        let codes: Vec<_> = p.organisations.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["Y63", "QHM", "16C", "A81001", "A81002"]);
        assert_eq!(
            p.organisations[3].parent_code.as_ref().map(|c| c.as_str()),
            Some("16C")
        );
        assert_eq!(p.organisations[3].name, "The Densham Surgery");
        assert_eq!(p.organisations[3].start_date, "1974-04-01");
        assert!(p.rejected.is_empty());
    }

    #[test]
    fn bad_rows_are_rejected_with_their_line_and_the_rest_kept() {
        let prac = [
            practice("A81001", "16C", "19740401", "4"),
            practice("A81002", "42D", "19740401", "4"),
            practice("A81003", "16C", "19741301", "4"),
            r#""A81004","SHORT""#.to_owned(),
            practice("A81005", "16C", "19740401", "8"),
        ]
        .join("\n");
        let p = tree(Some("QHM"), ICBS, ECCG, &prac);
        assert_eq!(p.organisations.len(), 4);
        let lines: Vec<_> = p.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(p.rejected[0].reason.contains("unknown commissioner"));
        assert!(p.rejected[1].reason.contains("malformed date"));
        assert!(p.rejected[2].reason.contains("columns"));
    }

    #[test]
    fn dates_must_be_real_calendar_shapes() {
        assert_eq!(parse_date("20240131"), Ok(Some("2024-01-31".into())));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2024-01-31").is_err());
        assert!(parse_date("20241331").is_err());
    }

    #[test]
    fn names_are_title_cased_except_acronyms() {
        assert_eq!(
            tidy_name("NHS NORTH EAST ICB - 16C"),
            "NHS North East ICB - 16C"
        );
    }

    #[test]
    fn each_part_of_a_name_keeps_its_capital() {
        assert_eq!(
            tidy_name("108 RAWLING ROAD(RAWLING ROAD PRACTICE)"),
            "108 Rawling Road(Rawling Road Practice)"
        );
        assert_eq!(tidy_name("ST MARY'S SURGERY"), "St Mary's Surgery");
        assert_eq!(
            tidy_name("HARTLEPOOL-NORTH & SEATON"),
            "Hartlepool-North & Seaton"
        );
        assert_eq!(tidy_name("THE GP PRACTICE (NHS)"), "The GP Practice (NHS)");
    }
}
