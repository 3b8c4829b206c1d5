//! The HTML sheet in a real headless browser (issue 9): Debian's
//! `chromium` loads the demo ward's sheet with no console error, its DOM
//! holds the elected names and the quota, and a screenshot is written for
//! the docs (`target/tmp/html-sheet/demo-ward.png`). `.ci/run` installs
//! chromium when it is missing; without it the test skips with a notice,
//! except under `CI=true`, where it fails.

use std::path::Path;

use assert_cmd::Command;

mod browser;
use browser::{browser, load};

#[test]
fn the_html_sheet_loads_in_a_headless_browser_without_console_errors() {
    let Some(chromium) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("demo-ward.html");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    Command::cargo_bin("recount")
        .unwrap()
        .args(["count", "--rules", "scottish-stv", "--format", "html", "-o"])
        .arg(&page)
        .arg(&demo)
        .assert()
        .success();
    let json = Command::cargo_bin("recount")
        .unwrap()
        .args(["count", "--rules", "scottish-stv", "--format", "json"])
        .arg(&demo)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let c = &t["contests"][0];

    // The detector sees a console error where there is one.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><p>x</p><script>console.error('seen')</script>",
    )
    .unwrap();
    let (_, console) = load(&chromium, &broken, None);
    assert!(console.iter().any(|l| l.contains("seen")), "{console:?}");

    let (dom, console) = load(&chromium, &page, None);
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(
        dom.contains("<svg class=\"chart\""),
        "the chart is in the DOM"
    );
    for name in c["elected"].as_array().unwrap() {
        assert!(dom.contains(name.as_str().unwrap()), "{name} in the DOM");
    }
    assert!(
        dom.contains(c["quota"].as_str().unwrap()),
        "the quota in the DOM"
    );

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-sheet");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join("demo-ward.png");
    let _ = std::fs::remove_file(&png);
    load(&chromium, &page, Some(&png));
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
}
