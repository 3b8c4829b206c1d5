//! NIST CDF XML CVRs through the binary: the Riverton report in XML is
//! recognised by its root and namespace, and `info` and an IRV count of
//! one contest give what they give for the same report in JSON; a bad CVR
//! on standard input is refused at its element path.

use assert_cmd::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ballot/tests/fixtures");

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn run(args: &[&str]) -> String {
    let out = recount().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fixture(form: &str) -> String {
    format!("{FIXTURES}/cdf-riverton.{form}")
}

#[test]
fn info_on_the_xml_report_is_info_on_the_json_one_but_for_the_file() {
    let [json, xml] = ["json", "xml"].map(|f| run(&["info", &fixture(f), "--seats", "1"]));
    let (jhead, jrest) = json.split_once("election:").unwrap();
    let (xhead, xrest) = xml.split_once("election:").unwrap();
    assert_eq!(xrest, jrest);
    assert!(jhead.contains("format:    NIST CDF JSON"), "{jhead}");
    assert!(xhead.contains("format:    NIST CDF XML"), "{xhead}");
    assert!(xhead.contains("cdf-riverton.xml ("), "{xhead}");
    assert!(xrest.contains("contest contest-mayor: Mayor"), "{xrest}");
    assert!(
        xrest.contains("papers:            8 (7 ranked, 1 blank)"),
        "{xrest}"
    );
}

#[test]
fn an_irv_count_of_one_contest_of_the_xml_report_is_the_json_ones() {
    for contest in ["Council", "contest-mayor"] {
        let count = |f: &str| {
            let out = run(&[
                "count",
                &fixture(f),
                "--rules",
                "irv",
                "--contest",
                contest,
                "--seats",
                "1",
                "--format",
                "json",
                // Mayor's count draws a lot: the same draw, from seed 0.
                "--allow-default-seed",
            ]);
            let mut t: serde_json::Value = serde_json::from_str(&out).unwrap();
            let input = t["input"].take();
            (t, input)
        };
        let (json, json_input) = count("json");
        let (xml, xml_input) = count("xml");
        assert_eq!(xml, json, "{contest}");
        assert_eq!(json_input["format"], "cdf");
        assert_eq!(xml_input["format"], "cdf-xml");
        assert_ne!(xml_input["sha256"], json_input["sha256"]);
    }
    // And the text report too, the same but for the file it names.
    let text = |f: &str| {
        run(&[
            "count",
            &fixture(f),
            "--rules",
            "irv",
            "--contest",
            "Council",
            "--seats",
            "1",
        ])
        .replace(&fixture(f), "FILE")
        .lines()
        .filter(|l| !l.contains("SHA-256") && !l.contains("format:"))
        .collect::<Vec<_>>()
        .join("\n")
    };
    assert_eq!(text("xml"), text("json"));
    assert!(text("xml").contains("Dee"), "{}", text("xml"));
}

#[test]
fn a_bad_cvr_on_standard_input_is_refused_at_its_element() {
    let bad = std::fs::read_to_string(fixture("xml")).unwrap().replacen(
        "<ContestSelectionId>cs-eve</ContestSelectionId>",
        "<ContestSelectionId>cs-zed</ContestSelectionId>",
        1,
    );
    let out = recount()
        .args(["info", "-", "--input-format", "cdf-xml", "--seats", "1"])
        .write_stdin(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recount: <stdin>:86:31: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[2]/CVRContestSelection[1]/ContestSelectionId: expected the ObjectId of a ContestSelection of contest \"contest-council\", found \"cs-zed\"\n"
    );
}
