//! The committed TypeScript bindings (ui/src/api/bindings/) match the Rust types.
//! `RETORT_WRITE_BINDINGS=1 cargo test -p retort-app --test bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).expect("read a binding"),
            )
        })
        .collect()
}

#[test]
fn export_bindings() {
    let committed = retort_app::bindings::committed_dir();
    if std::env::var("RETORT_WRITE_BINDINGS").is_ok_and(|v| v == "1") {
        for name in read_dir(&committed).keys() {
            std::fs::remove_file(committed.join(name)).expect("remove a stale binding");
        }
        std::fs::create_dir_all(&committed).expect("create the bindings folder");
        let names = retort_app::bindings::export(&committed).expect("export");
        println!("wrote {} bindings to {}", names.len(), committed.display());
        return;
    }
    let fresh = tempfile::tempdir().expect("temp dir");
    retort_app::bindings::export(fresh.path()).expect("export");
    let expected = read_dir(fresh.path());
    let actual = read_dir(&committed);
    let stale: Vec<&String> = expected
        .iter()
        .filter(|(name, text)| actual.get(*name) != Some(text))
        .map(|(name, _)| name)
        .chain(actual.keys().filter(|name| !expected.contains_key(*name)))
        .collect();
    assert!(
        stale.is_empty(),
        "the TypeScript bindings in {} are stale ({stale:?}); regenerate them with \
         `RETORT_WRITE_BINDINGS=1 cargo test -p retort-app --test bindings`",
        committed.display()
    );
    assert!(expected.contains_key("ProjectView.ts") && expected.contains_key("ProgressEvent.ts"));
}
