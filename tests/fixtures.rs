//! Runs the real `kluis check --full` on a copy of every vault in
//! `tests/fixtures/broken/` and compares its output and exit status with
//! the fixture's `expected.txt` and `expected-exit.txt`. The fixtures and
//! their README come from `examples/make_fixtures.rs`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_tree, kluis, run_command, TestVault, ENGLISH};

/// Every fixture the README describes; a fixture missing from the folder
/// fails the test instead of being skipped.
const FIXTURES: [&str; 11] = [
    "clean",
    "changed-note",
    "missing-note",
    "stray-object",
    "broken-journal-signature",
    "missing-entry",
    "changed-consent",
    "changed-head",
    "truncated-attachment",
    "damaged-recovery",
    "damaged-key",
];

fn fixtures_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")
}

#[test]
fn every_fixture_folder_is_listed() {
    let mut found: Vec<String> = fs::read_dir(fixtures_folder())
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|name| name.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn check_full_output_matches_each_fixture() {
    let folder = fixtures_folder();
    let passphrase = fs::read_to_string(folder.join("passphrase.txt")).unwrap();
    let passphrase = passphrase.trim_end();
    for name in FIXTURES {
        let fixture = folder.join(name);
        // A copy, next to its own empty memory of verified journals.
        let copy = TestVault::uninitialized(ENGLISH);
        // git checks files out with mode 0644, whatever kluis wrote.
        copy.skip_mode_check();
        copy_tree(&fixture.join("vault"), &copy.path);
        let run = run_command(kluis(&copy.path, ENGLISH, Some(passphrase)).args(["check", "--full"]));

        let exit: i32 = fs::read_to_string(fixture.join("expected-exit.txt"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(
            run.code, exit,
            "exit status for {name}\n{}\n{}",
            run.stdout, run.stderr
        );
        let lines = run.stdout_lines();
        assert_eq!(
            lines.first().copied(),
            Some(format!("Full check of the vault in {}", copy.path.display()).as_str()),
            "first line for {name}"
        );
        let expected = fs::read_to_string(fixture.join("expected.txt")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(lines[1..], expected[..], "output for {name}");
    }
}

#[test]
fn each_broken_fixture_expects_exactly_one_finding() {
    for name in FIXTURES {
        let fixture = fixtures_folder().join(name);
        let expected = fs::read_to_string(fixture.join("expected.txt")).unwrap();
        let exit = fs::read_to_string(fixture.join("expected-exit.txt")).unwrap();
        let findings = expected.lines().filter(|line| line.starts_with("  ✗ ")).count();
        if name == "clean" {
            assert_eq!(findings, 0, "{name}");
            assert_eq!(exit, "0\n", "{name}");
            assert_eq!(expected.lines().last(), Some("No problems found."), "{name}");
        } else {
            assert_eq!(findings, 1, "{name}");
            assert_eq!(exit, "5\n", "{name}");
        }
    }
}
