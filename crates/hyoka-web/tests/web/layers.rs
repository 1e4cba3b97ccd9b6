//! The web crate's folders are its layers (docs/architecture.md): `http/`
//! (plumbing) and `ui/` (page shell, widgets) below, one folder per
//! feature above them. A feature uses `http`, `ui` and the crate root's
//! re-exports, never another feature; `http` and `ui` use no feature.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Shared layers: every feature may use them.
const SHARED: &[&str] = &["http", "ui"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names through `crate::x` or `crate::{x, …}`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|g| ident(g.trim())));
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| m.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    out
}

#[test]
fn features_use_only_the_shared_layers_and_the_shared_layers_no_feature() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut folders: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.join("mod.rs").exists())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    for shared in SHARED {
        assert!(folders.iter().any(|f| f == shared), "src/{shared}/ exists");
    }
    let features: Vec<&String> = folders.iter().filter(|f| !SHARED.contains(&f.as_str())).collect();
    assert!(features.len() >= 8, "{features:?}");
    // Only lib.rs at the top: every feature has its folder.
    let loose: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "lib.rs")
        .collect();
    assert!(loose.is_empty(), "loose files at src/: {loose:?}");

    let mut problems = Vec::new();
    for folder in &folders {
        let mut files = Vec::new();
        rust_files(&src.join(folder), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for used in crate_modules(&text) {
                let is_feature = features.iter().any(|f| **f == used);
                if is_feature && used != *folder {
                    problems.push(format!("{} uses crate::{used}", file.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "a layer uses a feature:\n  {}", problems.join("\n  "));
}

#[test]
fn the_check_sees_both_forms_of_use() {
    let found =
        crate_modules("use crate::portal::x;\nuse crate::{AppState, admin, http::Form};\nlet _ = crate::staff::y();");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["admin", "http", "portal", "staff"]);
}
