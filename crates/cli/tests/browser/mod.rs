//! A headless browser for the HTML tests: Debian's `chromium`, which
//! `.ci/run` installs when it is missing. Without it a test skips with a
//! notice, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

/// The browser on this machine, if any (a panic under `CI=true` without).
pub fn browser() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Process::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        if found.is_some() {
            return found;
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("no headless browser (chromium) under CI=true: .ci/run installs it");
    }
    eprintln!("NOTICE: no chromium on this machine: the HTML sheet was not loaded in a browser");
    None
}

/// Loads `page` headless: its DOM as the browser built it, and the
/// console messages it logged.
pub fn load(chromium: &Path, page: &Path, screenshot: Option<&Path>) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Process::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,1800",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE"))
        .map(str::to_owned)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}
