//! The house rules, checked on every run: no source file over 500 lines outside tests (a file that
//! grows past it is two concepts), and no comment or document that cites a section of a document
//! the repository does not hold (such as the service's job aids, which are not ours to publish):
//! the rule itself is written down instead, or docs/requirements.md is linked.

use std::path::{Path, PathBuf};

const LINES_MAX: usize = 500;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above server/")
        .to_path_buf()
}

/// The files of the project in these folders, skipping build output and installed packages.
fn files(root: &Path, dirs: &[&str], out: &mut Vec<PathBuf>) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.expect("an entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if !matches!(
                    name.as_ref(),
                    "target" | "node_modules" | ".state" | "test-results"
                ) {
                    walk(&path, out);
                }
            } else {
                out.push(path);
            }
        }
    }
    for d in dirs {
        walk(&root.join(d), out);
    }
}

fn is_test(path: &Path) -> bool {
    let p = path.to_string_lossy();
    p.contains("/tests/") || p.ends_with("/tests.rs")
}

#[test]
fn no_source_file_outside_tests_is_over_500_lines() {
    let root = workspace();
    let mut all = Vec::new();
    files(
        &root,
        &["domain", "store", "app", "server", "frontend"],
        &mut all,
    );
    let mut long: Vec<String> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && !is_test(p))
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            let rel = p.strip_prefix(&root).ok()?.display().to_string();
            (n > LINES_MAX).then(|| format!("{rel} ({n} lines)"))
        })
        .collect();
    long.sort();
    assert_eq!(long, Vec::<String>::new());
}

/// A citation of an outside document: a section sign, or a job aid or the outside specification
/// named by number or name.
fn cites_outside(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.contains('§')
        || lower.contains("spec.md")
        || lower.contains("style.md")
        || lower.contains("toolchain.md")
        || lower
            .match_indices("seed ")
            .any(|(i, _)| lower[i + 5..].starts_with(|c: char| c.is_ascii_digit()))
}

#[test]
fn no_comment_or_document_cites_a_document_outside_the_repository() {
    let root = workspace();
    let mut all = Vec::new();
    files(
        &root,
        &[
            "domain",
            "store/src",
            "app",
            "server",
            "frontend",
            "end2end/tests",
            "scripts",
            "docs",
            "style",
        ],
        &mut all,
    );
    all.push(root.join("README.md"));
    all.push(root.join("Cargo.toml"));
    let mut found = Vec::new();
    for p in all {
        // This file names what it looks for.
        if p.ends_with("house.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if cites_outside(line) {
                let rel = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

/// Migrations are checked too, from the first one written after the rule: an applied migration
/// is never edited (sqlx refuses a database whose applied migration's checksum changed), so the
/// twelve before it keep the section numbers they were written with.
#[test]
fn no_migration_written_since_the_rule_cites_a_document_outside_the_repository() {
    const FIRST_CHECKED: u32 = 13;
    let root = workspace();
    let mut found = Vec::new();
    for backend in ["sqlite", "postgres"] {
        let dir = root.join("store/migrations").join(backend);
        for entry in std::fs::read_dir(&dir).expect("migrations") {
            let p = entry.expect("entry").path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let number: u32 = name
                .split('_')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if number < FIRST_CHECKED {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("migration");
            for (n, line) in text.lines().enumerate() {
                if cites_outside(line) {
                    found.push(format!("{backend}/{name}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_citation_check_knows_a_citation_when_it_sees_one() {
    assert!(cites_outside(
        "// Seed 004 §8: the user name is the email address."
    ));
    assert!(cites_outside("// as seed 001 shows"));
    assert!(cites_outside("see SPEC.md"));
    assert!(!cites_outside("// The user name is the email address."));
    assert!(!cites_outside("let seed = 42; // a seed for the generator"));
}

/// The features of `app` that the Rust file or folder at `path` names
/// (`crate::features::<feature>`).
fn features_named(path: &Path) -> std::collections::BTreeSet<String> {
    let mut all = Vec::new();
    if path.is_dir() {
        files(path, &["."], &mut all);
    } else {
        all.push(path.to_path_buf());
    }
    let mut named = std::collections::BTreeSet::new();
    for p in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(p).expect("a readable source file");
        for (i, _) in text.match_indices("crate::features::") {
            let rest = &text[i + "crate::features::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            named.insert(name);
        }
    }
    named
}

/// `app` is cut by feature (`app/src/features/<feature>/`: its server functions and pages) over a
/// shared floor (components, errors, the request context, links, the viewer). The shared floor
/// never reaches up into a feature, and features do not go round in a circle: a page may show
/// another feature's panel, but then that feature does not use it back.
#[test]
fn app_features_stand_on_the_shared_floor_without_circles() {
    let src = workspace().join("app/src");
    let mut shared_up = Vec::new();
    for e in std::fs::read_dir(&src).expect("app/src") {
        let path = e.expect("an entry").path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name == "features" || name == "lib.rs" {
            continue;
        }
        let named = features_named(&path);
        if !named.is_empty() {
            shared_up.push(format!("app/src/{name} uses {named:?}"));
        }
    }
    assert!(
        shared_up.is_empty(),
        "the shared floor uses features: {shared_up:?}"
    );

    let features: Vec<String> = std::fs::read_dir(src.join("features"))
        .expect("app/src/features")
        .filter_map(|e| {
            let p = e.ok()?.path();
            p.is_dir().then(|| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
        })
        .collect();
    assert!(
        features.len() >= 10,
        "the features were found: {features:?}"
    );
    let uses: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = features
        .iter()
        .map(|f| {
            let mut named = features_named(&src.join("features").join(f));
            named.remove(f);
            (f.clone(), named)
        })
        .collect();
    // A circle exists when some feature reaches itself by following uses.
    for start in &features {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo: Vec<&String> = uses[start].iter().collect();
        while let Some(f) = todo.pop() {
            assert_ne!(
                f, start,
                "a circle of features goes through {start}: {uses:?}"
            );
            if seen.insert(f.clone()) {
                todo.extend(uses.get(f).into_iter().flatten());
            }
        }
    }
}
