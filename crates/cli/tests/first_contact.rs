//! Issue 9 "First contact": what a new user meets first, through the
//! binary. Preset names in any case with a "did you mean", shell
//! completions and the man page, grouped `--help` with the presets,
//! examples and exit codes, `-` for standard input, `--contest`, and the
//! warnings and progress line of `count` and `generate`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::*;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> PathBuf {
    workspace().join("audit-data/demo-ward.blt")
}

fn momentum() -> PathBuf {
    workspace().join("audit-data/momentum-2022/election.json")
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("recount runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const PRESET_LIST: &str =
    "scottish-stv, ers97, wigm, uig, egm, minneapolis, irv, meek, nz-meek, warren, meek-exact";

// ----- 1. presets in any letter case, with "did you mean" ----------------

#[test]
fn a_preset_in_capitals_counts_and_records_its_lowercase_name() {
    let json = stdout_of(recount().arg("count").arg(demo()).args([
        "--rules",
        "SCOTTISH-STV",
        "--format",
        "json",
    ]));
    let t: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(t["contests"][0]["rules"]["name"], "scottish-stv");
    // The same transcript as the lowercase name gives.
    let lower = stdout_of(recount().arg("count").arg(demo()).args([
        "--rules",
        "scottish-stv",
        "--format",
        "json",
    ]));
    assert_eq!(json, lower);
    // `recount rules` takes any case too.
    let printed = stdout_of(recount().args(["rules", "Meek-Exact"]));
    assert!(printed.contains("\"name\": \"meek-exact\""), "{printed}");
}

#[test]
fn a_misspelt_preset_exits_2_suggesting_the_nearest() {
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "scotish-stv"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "recount: unknown rule preset \"scotish-stv\"; did you mean scottish-stv? (presets: {PRESET_LIST})\n"
        ));
    recount()
        .args(["rules", "nz-mek"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean nz-meek?"));
    // Nothing near: the plain message, with the list.
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "hare-clark-tasmania"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("neither a rules preset nor a rules file")
                .and(predicate::str::contains(PRESET_LIST)),
        );
}

// ----- 2. completions and the man page -------------------------------------

#[test]
fn completions_are_printed_for_each_shell() {
    let bash = stdout_of(recount().args(["completions", "bash"]));
    assert!(bash.contains("count"), "{bash}");
    assert!(bash.contains("--rules"), "{bash}");
    assert!(bash.contains("--input-format"), "{bash}");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(recount().args(["completions", shell]));
        assert!(script.contains("rules"), "{shell}: {script}");
    }
    recount()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_page_is_roff_with_the_commands_and_exit_codes() {
    let page = stdout_of(recount().arg("man"));
    assert!(
        page.starts_with(".ie") || page.contains("\n.TH recount 1"),
        "{page}"
    );
    assert!(page.contains(".TH recount 1"), "{page}");
    for text in [
        "Exit status:",
        "0  success",
        "1  a check failed",
        "2  bad usage or bad input; nothing written",
        "3  a file could not be read or written",
        "count",
        "completions",
    ] {
        assert!(page.contains(text), "{text:?} missing from\n{page}");
    }
}

// ----- 3. --help: groups, presets, examples, exit codes --------------------

#[test]
fn help_shows_exit_codes_and_count_help_groups_presets_and_examples() {
    let top = stdout_of(recount().arg("--help"));
    assert!(
        top.contains(
            "Exit status:\n  0  success\n  1  a check failed\n  2  bad usage or bad input; nothing written\n  3  a file could not be read or written"
        ),
        "{top}"
    );
    for long in [true, false] {
        let help = stdout_of(recount().args(["count", if long { "--help" } else { "-h" }]));
        // Each group heading, in this order, and an option under each.
        let groups = [
            ("Input:", "--input-format"),
            ("Import policy:", "--lenient"),
            ("Rules:", "--rules <"),
            ("Ties:", "--seed"),
            ("Constraints:", "--constraints <"),
            ("Output:", "--format"),
        ];
        let at: Vec<usize> = groups
            .iter()
            .map(|(heading, _)| {
                help.find(&format!("\n{heading}\n"))
                    .unwrap_or_else(|| panic!("no {heading} in\n{help}"))
            })
            .chain([help.find("\nPresets").expect("presets")])
            .collect();
        for (i, (heading, option)) in groups.iter().enumerate() {
            assert!(at[i] < at[i + 1], "{heading} out of order in\n{help}");
            assert!(
                help[at[i]..at[i + 1]].contains(option),
                "{option} not under {heading} in\n{help}"
            );
        }
        assert!(help.contains("Presets (any letter case"), "{help}");
        for p in PRESET_LIST.split(", ") {
            assert!(
                help.contains(&format!("\n  {p} ")),
                "preset {p} not listed: {help}"
            );
        }
        assert!(
            help.contains(
                "Examples:\n  recount count audit-data/demo-ward.blt --rules scottish-stv"
            )
        );
        assert!(help.contains("--format json -o transcript.json"));
    }
    // The grouping is shared: info's input options are grouped too.
    let info = stdout_of(recount().args(["info", "--help"]));
    assert!(info.contains("\nImport policy:\n"), "{info}");
}

// ----- 4. `-` reads standard input ------------------------------------------

#[test]
fn a_dash_reads_standard_input_for_info_count_and_convert() {
    let blt = std::fs::read_to_string(demo()).unwrap();
    let from_file = stdout_of(recount().arg("info").arg(demo()));
    let from_stdin = stdout_of(recount().args(["info", "-"]).write_stdin(blt.clone()));
    assert!(
        from_stdin.starts_with("file:      <stdin> (")
            && from_stdin.contains(")\nformat:    BLT\n"),
        "{from_stdin}"
    );
    // Only the file's name and the election's id (its stem) differ.
    assert_eq!(
        from_stdin.lines().skip(3).collect::<Vec<_>>().join("\n"),
        from_file
            .lines()
            .skip(3)
            .collect::<Vec<_>>()
            .join("\n")
            .replace("contest demo-ward:", "contest stdin:")
    );
    let counted = stdout_of(
        recount()
            .args(["count", "-", "--rules", "scottish-stv"])
            .write_stdin(blt.clone()),
    );
    let counted_file = stdout_of(
        recount()
            .arg("count")
            .arg(demo())
            .args(["--rules", "scottish-stv"]),
    );
    assert_eq!(counted.lines().count(), counted_file.lines().count());
    assert!(counted.contains("Elected"), "{counted}");
    let json = stdout_of(
        recount()
            .args(["convert", "-", "--to", "json"])
            .write_stdin(blt.clone()),
    );
    assert!(json.contains("\"id\": \"stdin\""), "{json}");
    // JSON is recognised from content as well.
    let back = stdout_of(
        recount()
            .args(["convert", "-", "--to", "blt"])
            .write_stdin(json),
    );
    assert_eq!(back.lines().next(), blt.lines().next());
}

#[test]
fn standard_input_errors_name_stdin_with_line_and_column() {
    recount()
        .args(["count", "-", "--rules", "irv"])
        .write_stdin("3 1\n1 1 4 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "recount: <stdin>:2:5: BLT error in ballot 1: expected a candidate number from 1 to 3, found \"4\"\n",
        );
    recount()
        .args(["info", "-"])
        .write_stdin("no ballots here\n")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("<stdin>: cannot tell the ballot format")
                .and(predicate::str::contains("--input-format")),
        );
}

#[test]
fn writing_onto_the_file_standard_input_comes_from_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ward.blt");
    std::fs::copy(demo(), &file).unwrap();
    let before = std::fs::read(&file).unwrap();
    // Standard input redirected from the file itself (`< ward.blt`).
    std::process::Command::new(assert_cmd::cargo::cargo_bin("recount"))
        .args(["convert", "-", "--to", "csv", "-o"])
        .arg(&file)
        .stdin(std::fs::File::open(&file).unwrap())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is the input <stdin>; refusing to overwrite it",
        ));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // A file named `-` in the folder is not taken for standard input's.
    std::fs::write(dir.path().join("-"), &before).unwrap();
    let out = dir.path().join("out.blt");
    recount()
        .current_dir(dir.path())
        .args(["convert", "-", "--to", "blt", "-o", "-"])
        .write_stdin(before.clone())
        .assert()
        .success();
    recount()
        .current_dir(dir.path())
        .args(["convert", "-", "--to", "blt", "-o"])
        .arg(&out)
        .write_stdin(before)
        .assert()
        .success();
    assert!(out.exists());
}

// ----- 5. --contest ---------------------------------------------------------

#[test]
fn contest_keeps_one_contest_of_several_for_count_convert_and_info() {
    let info = stdout_of(
        recount()
            .arg("info")
            .arg(momentum())
            .args(["--contest", "wales"]),
    );
    assert!(info.contains("contests:  1\n"), "{info}");
    assert!(info.contains("contest wales: Wales"), "{info}");
    let json = stdout_of(recount().arg("count").arg(momentum()).args([
        "--contest",
        "wales",
        "--rules",
        "meek",
        "--format",
        "json",
    ]));
    let t: serde_json::Value = serde_json::from_str(&json).unwrap();
    let contests = t["contests"].as_array().unwrap();
    assert_eq!(contests.len(), 1);
    assert_eq!(contests[0]["contest"], "wales");
    assert_eq!(t["election"], "momentum-2022");
    // One contest can be written as BLT, which takes only one.
    let blt = stdout_of(recount().arg("convert").arg(momentum()).args([
        "--contest",
        "scotland",
        "--to",
        "blt",
    ]));
    let whole = stdout_of(recount().arg("info").arg(momentum()).arg("--json"));
    let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
    let scotland = whole["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "scotland")
        .unwrap();
    let again = stdout_of(recount().args(["info", "-", "--json"]).write_stdin(blt));
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["contests"][0]["papers"], scotland["papers"]);
    assert_eq!(
        again["contests"][0]["candidates"].as_array().unwrap().len(),
        scotland["candidates"].as_array().unwrap().len()
    );
}

#[test]
fn an_unknown_contest_exits_2_listing_the_ids() {
    for cmd in ["count", "convert"] {
        let mut c = recount();
        c.arg(cmd).arg(momentum()).args(["--contest", "atlantis"]);
        if cmd == "count" {
            c.args(["--rules", "meek"]);
        } else {
            c.args(["--to", "json"]);
        }
        c.assert().code(2).stdout("").stderr(predicate::str::contains(
            "no contest \"atlantis\"; its contests are: london-eastern, south-east, south-west, midlands, north-west-north-east, yorkshire-ni-international, scotland, wales",
        ));
    }
}

// ----- 6. generate does not flood a terminal --------------------------------

/// Runs `recount ARGS` with a pseudo-terminal as its standard output and
/// error (util-linux `script`), giving what the terminal showed and the
/// exit code; `None` (with a loud notice) where `script` is missing.
fn on_a_terminal(args: &str) -> Option<(String, i32)> {
    let bin = assert_cmd::cargo::cargo_bin("recount");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("typescript");
    let run = std::process::Command::new("script")
        .arg("-qec")
        .arg(format!("{} {args}", bin.display()))
        .arg(&log)
        .stdin(std::process::Stdio::null())
        .output();
    let Ok(out) = run else {
        eprintln!("NOTICE: util-linux `script` is not installed: terminal test skipped");
        return None;
    };
    let shown = std::fs::read_to_string(&log).unwrap_or_default();
    Some((shown, out.status.code().unwrap_or(-1)))
}

#[test]
fn generate_refuses_a_large_election_to_a_terminal_but_not_to_a_pipe_or_file() {
    // Standard output a pipe: written whatever the size.
    let out = recount()
        .args([
            "generate",
            "--papers",
            "20000",
            "--candidates",
            "5",
            "--seats",
            "2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.len() > 100_000);
    if let Some((shown, code)) = on_a_terminal("generate --papers 20000") {
        assert_eq!(code, 2, "{shown}");
        assert!(
            shown.contains("recount: refusing to write 20000 papers to the terminal (more than 10000); give -o FILE, or pipe the output"),
            "{shown}"
        );
    }
    if let Some((shown, code)) = on_a_terminal("generate --papers 50 --candidates 4 --seats 2") {
        assert_eq!(code, 0, "{shown}");
        assert!(shown.contains("\"Candidate 4\""), "{shown}");
    }
}

// ----- 7. the progress line --------------------------------------------------

/// A count that takes about three seconds in a test build (exact Meek on
/// 4,374 distinct rankings, five seats: under the warning's thresholds).
fn slow_election(dir: &Path) -> PathBuf {
    let file = dir.join("slow.blt");
    recount()
        .args([
            "generate",
            "--candidates",
            "30",
            "--seats",
            "5",
            "--papers",
            "5000",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    file
}

#[test]
fn progress_shows_on_a_terminal_only_and_not_with_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let file = slow_election(dir.path());
    // Standard error a pipe: nothing on it, quiet or not; the sheet alike.
    let quiet = recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "meek-exact", "--quiet"])
        .output()
        .unwrap();
    let plain = recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "meek-exact"])
        .output()
        .unwrap();
    assert!(quiet.status.success() && plain.status.success());
    assert_eq!(String::from_utf8_lossy(&plain.stderr), "");
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    // The same sheet, but for the command line its header quotes.
    let sheet = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .filter(|l| !l.starts_with("Made by: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(sheet(&plain.stdout), sheet(&quiet.stdout));
    // On a terminal: the line, after a second, naming stage and continuing.
    let out = dir.path().join("sheet.txt");
    let args = format!(
        "count {} --rules meek-exact -o {}",
        file.display(),
        out.display()
    );
    if let Some((shown, code)) = on_a_terminal(&args) {
        assert_eq!(code, 0, "{shown}");
        assert!(shown.contains("counting slow: stage "), "{shown}");
        assert!(shown.contains("continuing for"), "{shown}");
        assert!(
            sheet(&std::fs::read(&out).unwrap()) == sheet(&plain.stdout),
            "the sheet written under a progress line is the plain one"
        );
    }
    if let Some((shown, code)) = on_a_terminal(&format!("{args} --quiet")) {
        assert_eq!(code, 0, "{shown}");
        assert!(!shown.contains("counting"), "{shown}");
    }
}

#[test]
fn count_help_says_quiet_silences_progress_only() {
    let help = stdout_of(recount().args(["count", "--help"]));
    assert!(help.contains("-q, --quiet"), "{help}");
    assert!(help.contains("Warnings are still printed"), "{help}");
}

// ----- 8. exact Meek warns where its cost explodes ---------------------------

#[test]
fn exact_meek_warns_before_counting_a_large_contest() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.blt");
    // 1,051 distinct rankings for 6 seats: past the many-seats threshold,
    // yet quick to count.
    recount()
        .args([
            "generate",
            "--candidates",
            "7",
            "--seats",
            "6",
            "--papers",
            "1500",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "meek-exact", "--quiet"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stderr(
            "recount: warning: contest wide: 1051 distinct rankings for 6 seats; exact rational Meek \
             (--rules meek-exact) may take very long here (its cost grows fast with rankings and \
             seats: minutes or more); --rules meek counts the same rule in 9-decimal arithmetic \
             in well under a second\n",
        );
    // Not for meek, nor for exact Meek on the demo ward (1,282 rankings, 3 seats).
    recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "meek"])
        .assert()
        .success()
        .stderr("");
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "meek-exact"])
        .assert()
        .success()
        .stderr("");
}
