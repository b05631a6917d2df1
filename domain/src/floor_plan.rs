//! The floor plan, checked: every module of the domain may use only its own floor and the floors
//! below it, and no feature uses another feature. A rule two features share moves down to
//! `rules`; a record storage needs moves down to `model` or `storage`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The floors, lowest first. `storage` and `services` share a floor: neither uses the other.
const FLOORS: [(&str, u8); 7] = [
    ("values", 0),
    ("model", 1),
    ("access", 2),
    ("storage", 3),
    ("services", 3),
    ("rules", 4),
    ("features", 5),
];

fn floor(top: &str) -> Option<u8> {
    FLOORS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, f)| *f)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read the source folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file below `src`: `features/users/mod.rs` is `features::users`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file
        .strip_prefix(src)
        .expect("below src")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its unit tests (tests may reach across floors to build fixtures).
fn code_of(text: &str) -> &str {
    match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// Every `crate::a::b` the code names, as `[a, b]`.
fn uses(code: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let parts: Vec<String> = path
            .split("::")
            .filter(|p| !p.is_empty())
            .take(2)
            .map(str::to_owned)
            .collect();
        if !parts.is_empty() {
            found.insert(parts);
        }
    }
    found
}

fn violations() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        let Some(own) = module.first().and_then(|top| floor(top)) else {
            continue; // lib.rs and this file
        };
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for used in uses(code_of(&text)) {
            let Some(theirs) = floor(&used[0]) else {
                continue; // re-exports at the crate root
            };
            let other_feature = used[0] == "features"
                && module[0] == "features"
                && module.len() > 1
                && used.len() > 1
                && used[1] != module[1];
            if theirs > own || other_feature {
                wrong.push(format!(
                    "{} uses crate::{}",
                    module.join("::"),
                    used.join("::")
                ));
            }
        }
    }
    wrong
}

#[test]
fn every_module_uses_only_its_floor_and_those_below_and_no_feature_uses_another() {
    assert_eq!(violations(), Vec::<String>::new());
}

#[test]
fn the_check_sees_a_use_from_above_and_a_use_across_features() {
    let code = "use crate::features::users::view;\nuse crate::values::email::EmailAddress;\n";
    let found = uses(code);
    assert!(found.contains(&vec!["features".to_owned(), "users".to_owned()]));
    assert!(found.contains(&vec!["values".to_owned(), "email".to_owned()]));
    assert!(floor("features") > floor("model"));
    assert_eq!(code_of("a\n#[cfg(test)]\nuse crate::features::x;"), "a\n");
}
