//! The ODS importer on the QHM fixture (the extracts in `server/demo-data/`), end to end on a
//! fresh SQLite database: the tree it builds, an idempotent re-import, and an edited extract.

use domain::storage::Directory;
use domain::OdsCode;
use rand::Rng;
use server::import::{import, Extracts};

const ICBS: &str = include_str!("../../demo-data/icb.csv");
const ECCG: &str = include_str!("../../demo-data/eccg-qhm.csv");
const PRACTICES: &str = include_str!("../../demo-data/epraccur-qhm.csv");

async fn fresh() -> store::Store {
    let path = std::env::temp_dir().join(format!(
        "gatehouse_import_{:016x}.db",
        rand::thread_rng().gen::<u64>()
    ));
    store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("store")
}

fn extracts(epraccur: String) -> Extracts {
    Extracts {
        icb_list: ICBS.into(),
        eccg: ECCG.into(),
        epraccur,
    }
}

async fn org(s: &store::Store, code: &str) -> domain::model::organisation::Organisation {
    s.organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("exists")
}

#[tokio::test]
async fn the_qhm_fixture_builds_the_tree_and_a_reimport_changes_nothing() {
    let s = fresh().await;
    let first = import(
        &s,
        &extracts(PRACTICES.into()),
        Some("QHM"),
        false,
        &|_, _| {},
    )
    .await
    .expect("import");
    assert!(first.rejected.is_empty(), "{}", first.describe(false));
    assert!(
        first.summary.refused.is_empty(),
        "{}",
        first.describe(false)
    );
    // One region, one ICB, its sub-ICB locations and former CCGs, and its GP practices.
    let region = org(&s, "Y63").await;
    let icb = org(&s, "QHM").await;
    assert_eq!(icb.parent, Some(region.id));
    let tees = org(&s, "16C").await;
    assert_eq!(tees.parent, Some(icb.id));
    let densham = org(&s, "A81001").await;
    assert_eq!(densham.parent, Some(tees.id));
    assert_eq!(densham.name, "The Densham Surgery");
    assert_eq!(densham.kind, domain::OrgKind::Provider);
    assert!(densham.path.as_str().starts_with(tees.path.as_str()));
    let total = s.count_organisations().await.expect("n");
    assert_eq!(
        total as usize,
        first.summary.added + 1,
        "every row added under the platform root"
    );
    let commissioners = ECCG.lines().filter(|l| l.contains("\"QHM\"")).count();
    let practices = PRACTICES
        .lines()
        .filter(|l| l.ends_with("\"4\",\"\"") || l.contains("\"RO76\""))
        .count();
    assert_eq!(
        first.summary.added,
        2 + commissioners + practices,
        "{}",
        first.describe(false)
    );

    let again = import(
        &s,
        &extracts(PRACTICES.into()),
        Some("QHM"),
        false,
        &|_, _| {},
    )
    .await
    .expect("again");
    assert_eq!(again.summary.unchanged, first.summary.added);
    assert_eq!(
        again.summary.added + again.summary.updated + again.summary.closed + again.summary.moved,
        0
    );
}

#[tokio::test]
async fn an_edited_extract_closes_renames_and_reports_bad_rows_by_line() {
    let s = fresh().await;
    import(
        &s,
        &extracts(PRACTICES.into()),
        Some("QHM"),
        false,
        &|_, _| {},
    )
    .await
    .expect("import");
    let mut lines: Vec<String> = PRACTICES.lines().map(str::to_owned).collect();
    // A81001 renamed, A81002 closed.
    lines[0] = lines[0].replace("THE DENSHAM SURGERY", "DENSHAM SURGERY AND PARTNERS");
    assert!(lines[1].starts_with("\"A81002\""));
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    fields[11] = "\"20240331\"".into();
    lines[1] = fields.join(",");
    // Five malformed rows, appended: lines n+1 .. n+5.
    let n = lines.len();
    lines.push("\"A99001\",\"TOO FEW COLUMNS\"".into());
    lines.push(lines[2].replacen(&lines[2][1..7], "A9!!02", 1));
    lines.push(
        lines[2]
            .replacen(&lines[2][1..7], "A99003", 1)
            .replace("\"19740401\"", "\"19741341\""),
    );
    lines.push(
        lines[2]
            .replacen(&lines[2][1..7], "A99004", 1)
            .replace("\"16C\"", "\"99Q\""),
    );
    lines.push(
        lines[2]
            .replacen(&lines[2][1..7], "A99005", 1)
            .replace("\"19740401\"", "\"\""),
    );
    let before = s.count_organisations().await.expect("n");

    let dry = import(
        &s,
        &extracts(lines.join("\n")),
        Some("QHM"),
        true,
        &|_, _| {},
    )
    .await
    .expect("dry run");
    assert_eq!((dry.summary.updated, dry.summary.closed), (1, 1));
    assert_eq!(
        org(&s, "A81001").await.name,
        "The Densham Surgery",
        "a dry run keeps nothing"
    );

    let report = import(
        &s,
        &extracts(lines.join("\n")),
        Some("QHM"),
        false,
        &|_, _| {},
    )
    .await
    .expect("import");
    assert_eq!(report.summary.updated, 1, "{}", report.describe(false));
    assert_eq!(report.summary.closed, 1, "{}", report.describe(false));
    assert_eq!(report.summary.added, 0);
    let bad: Vec<usize> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(
        bad,
        (n + 1..=n + 5).collect::<Vec<_>>(),
        "{}",
        report.describe(false)
    );
    let text = report.describe(false);
    for reason in [
        "columns",
        "organisation code",
        "malformed date",
        "unknown commissioner",
        "open date is empty",
    ] {
        assert!(text.contains(reason), "{reason} in {text}");
    }
    assert_eq!(org(&s, "A81001").await.name, "Densham Surgery And Partners");
    assert_eq!(
        org(&s, "A81002").await.end_date.as_deref(),
        Some("2024-03-31")
    );
    assert_eq!(
        s.count_organisations().await.expect("n"),
        before,
        "nothing added, nothing deleted"
    );
}
