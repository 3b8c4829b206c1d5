//! The sheets people read, pinned as the binary writes them (issue 9): the
//! text sheet, the wide CSV and the HTML sheet of the shipped demo ward and
//! of real Scottish 2017 wards (read in place from the shared data). A
//! change to any of them shows as a snapshot difference to review
//! (`cargo insta review`, or `INSTA_UPDATE=always` to accept).
//!
//! Each run is made from the ward's own folder with a relative file name,
//! so that the header's file name and command line are the same on every
//! machine.

use std::path::Path;

use assert_cmd::Command;

fn sheet(dir: &Path, file: &str, rules: &str, format: &str) -> String {
    let out = Command::cargo_bin("recount")
        .expect("the recount binary")
        .current_dir(dir)
        .args([
            "count", file, "--rules", rules, "--format", format, "--width", "100",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8 output")
}

fn pin(name: &str, dir: &Path, file: &str, rules: &str) {
    insta::assert_snapshot!(format!("{name}.text"), sheet(dir, file, rules, "text"));
    insta::assert_snapshot!(
        format!("{name}.csv-wide"),
        sheet(dir, file, rules, "csv-wide")
    );
    insta::assert_snapshot!(format!("{name}.html"), sheet(dir, file, rules, "html"));
}

#[test]
fn the_demo_wards_sheets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data");
    pin(
        "demo-ward-scottish-stv",
        &dir,
        "demo-ward.blt",
        "scottish-stv",
    );
    pin("demo-ward-meek", &dir, "demo-ward.blt", "meek");
}

#[test]
fn real_scottish_2017_wards_sheets() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    for (folder, file) in [
        ("5_cands", "aberdeenshire_2017_ward4.blt"),
        ("11_cands", "glasgow_2017_ward16.blt"),
    ] {
        let dir = data.join("scot-elex/blt_files").join(folder);
        let name = file.trim_end_matches(".blt").replace('_', "-");
        pin(&name, &dir, file, "scottish-stv");
    }
}
