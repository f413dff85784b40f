//! (d) The static reader of `versions/*.py` headers against what Python and Alembic load: every
//! literal form (`fixtures/parse` plus generated variants), and a computed header, which Retort
//! reports by file and line and then reads through the project's Alembic.

use std::path::{Path, PathBuf};
use std::process::Command;

use retort_core::alembic::{self, AlembicSettings, GraphSource};
use retort_core::ops::{OpenOptions, Workspace};
use retort_interop::{copy_fixture, normalize, test_python};

/// Imports each file with Python and prints the four attributes through Alembic's own
/// `util.to_tuple`, and the docstring as Alembic's `Script.doc` computes it.
const DUMP: &str = r#"
import importlib.util, json, re, sys
from alembic import util
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("m", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = (module.__doc__ or "").strip()
    print(json.dumps({
        "path": path,
        "revision": getattr(module, "revision", None),
        "down_revision": list(util.to_tuple(module.down_revision, default=())),
        "branch_labels": list(util.to_tuple(getattr(module, "branch_labels", None), default=())),
        "depends_on": list(util.to_tuple(getattr(module, "depends_on", None), default=())),
        "doc": re.split("\n\n", doc)[0],
    }))
"#;

fn python_dump(python: &Path, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let output = Command::new(python)
        .args(["-c", DUMP])
        .args(files)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

/// Compares the static reading of every readable script in `settings` with Python's.
fn assert_static_matches_python(python: &Path, settings: &AlembicSettings) -> usize {
    let scan = alembic::scan_scripts(settings).expect("scan");
    let files: Vec<PathBuf> = scan.scripts.iter().map(|s| s.path.clone()).collect();
    let dumped = python_dump(python, &files);
    assert_eq!(dumped.len(), scan.scripts.len());
    for (script, python) in scan.scripts.iter().zip(&dumped) {
        let r = &script.revision;
        let file = script.path.display();
        let expected_id = python["revision"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                // Legacy: the id comes from the hex file name.
                script
                    .path
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            });
        assert_eq!(r.id, expected_id, "{file}");
        assert_eq!(
            r.down_revisions,
            strings(&python["down_revision"]),
            "{file}"
        );
        let mut labels = strings(&python["branch_labels"]);
        labels.dedup();
        assert_eq!(r.branch_labels, labels, "{file}");
        assert_eq!(r.depends_on, strings(&python["depends_on"]), "{file}");
        assert_eq!(r.message, python["doc"].as_str().unwrap(), "{file}");
    }
    scan.scripts.len()
}

#[test]
fn the_parse_fixture_reads_as_python_and_alembic_read_it() {
    let Some(python) = test_python("the_parse_fixture_reads_as_python_and_alembic_read_it") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("parse", dir.path());
    let settings = AlembicSettings::load(&dir.path().join("alembic.ini"), None).unwrap();

    // Files in Alembic's order, `__init__.py`, `.#lockfile.py` and README.txt skipped.
    let names: Vec<String> = alembic::script_files(&settings)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.first().map(String::as_str), Some("0001_old_style.py"));
    assert_eq!(names.last().map(String::as_str), Some("deadbeef.py"));
    assert_eq!(names.len(), 11);

    assert_eq!(assert_static_matches_python(&python, &settings), 10);
    let scan = alembic::scan_scripts(&settings).unwrap();
    let computed: Vec<(String, usize, String)> = scan
        .not_static
        .iter()
        .map(|f| {
            (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                f.line,
                f.name.clone(),
            )
        })
        .collect();
    assert_eq!(
        computed,
        vec![("0004_computed.py".to_string(), 3, "revision".to_string())]
    );

    // With the computed script, Retort asks Alembic for the graph and prints what it prints.
    let ws = Workspace::open_with(
        dir.path(),
        &OpenOptions {
            ini_section: None,
            python: Some(python.clone()),
        },
    )
    .expect("open via Alembic");
    let info = ws.alembic_info().unwrap();
    assert_eq!(info.graph_source, GraphSource::Alembic);
    assert_eq!(info.computed_scripts.len(), 1);
    assert!(info.python.is_some());
    let cli = retort_interop::retort_binary();
    for args in [vec!["history"], vec!["heads"], vec!["show", "aaaa00000004"]] {
        let retort = Command::new(cli)
            .arg("-c")
            .arg(dir.path())
            .args(&args)
            .env("RETORT_PYTHON", &python)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        let alembic = Command::new(&python)
            .args(["-m", "alembic"])
            .args(&args)
            .current_dir(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        assert!(
            retort.status.success(),
            "{}",
            String::from_utf8_lossy(&retort.stderr)
        );
        assert!(
            alembic.status.success(),
            "{}",
            String::from_utf8_lossy(&alembic.stderr)
        );
        let retort = String::from_utf8_lossy(&retort.stdout).into_owned();
        let alembic = String::from_utf8_lossy(&alembic.stdout).into_owned();
        if args[0] == "show" {
            // `show` prints the whole docstring; Retort keeps the first paragraph and date.
            assert_eq!(
                normalize(&retort)[..3],
                normalize(&alembic)[..3],
                "retort {args:?}"
            );
        } else {
            assert_eq!(normalize(&retort), normalize(&alembic), "retort {args:?}");
        }
    }

    // Without a usable Python, the error names the computed file and line.
    let error = Workspace::open_with(
        dir.path(),
        &OpenOptions {
            ini_section: None,
            python: Some(dir.path().join("no-python")),
        },
    )
    .expect_err("no python");
    let message = error.to_string();
    assert!(
        message.contains("0004_computed.py:3: revision"),
        "{message}"
    );
    assert!(message.contains("does not exist"), "{message}");
}

/// Literal forms beyond the fixture, one file each, checked against Python.
#[test]
fn every_literal_form_reads_as_python_reads_it() {
    let Some(python) = test_python("every_literal_form_reads_as_python_reads_it") else {
        return;
    };
    // (docstring or leading comment, header); the typing import goes between them.
    let forms: &[(&str, &str)] = &[
        ("", "revision = 'f01'\ndown_revision = None\n"),
        (
            r#""""Doc with \"escapes\" \x41\u00e9\t.

Second."""
"#,
            "revision = \"f02\"\ndown_revision = ()\n",
        ),
        (
            "'''single triple'''\n",
            "revision: str = 'f03'\ndown_revision: Union[str, Sequence[str], None] = ('f01', 'f02')\n",
        ),
        (
            "",
            "revision = u'f04'\ndown_revision = ['f03',]\nbranch_labels = ('x', 'y')\ndepends_on = ['f01']\n",
        ),
        (
            "# a comment first\n\n\"doc on one line\"\n",
            "revision = ('f0'\n            '5')\ndown_revision = (\n    'f04',  # why\n)\n",
        ),
        (
            r"r'''raw \n doc'''
",
            "revision = r'f06'\ndown_revision = 'f05'\nbranch_labels = 'solo'\ndepends_on = 'x'\n",
        ),
        (
            "",
            "revision = 'f07'; down_revision = 'f06'\nbranch_labels = []\ndepends_on: str | None = None\n",
        ),
        (
            "(\"paren\" \" doc\")\n",
            "revision = 'f08'\ndown_revision = 'f07', 'f01'\n",
        ),
        (
            "\"\"\"\n  leading blank line\n\n\"\"\"\n",
            "revision = 'f09'\ndown_revision = 'f08'\n\ndef upgrade():\n    revision = 'local'\n",
        ),
        (
            "",
            "revision = 'old'\nrevision = 'f10'\ndown_revision = \\\n    'f09'\nSQL = \"\"\"\nrevision = 'not me'\n\"\"\"\n",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::absolute(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("alembic/versions")).unwrap();
    std::fs::write(
        root.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/alembic\n",
    )
    .unwrap();
    for (i, (doc, header)) in forms.iter().enumerate() {
        let text = format!("{doc}from typing import Sequence, Union\n{header}");
        std::fs::write(root.join(format!("alembic/versions/f{i:02}.py")), text).unwrap();
    }
    let settings = AlembicSettings::load(&root.join("alembic.ini"), None).unwrap();
    assert_eq!(
        assert_static_matches_python(&python, &settings),
        forms.len()
    );
    let scan = alembic::scan_scripts(&settings).unwrap();
    assert!(scan.not_static.is_empty(), "{:?}", scan.not_static);
}
