//! Runs the scenario scripts in `examples/scenarios/`, one per situation of
//! the counsellor's guidance, against the debug binary, and checks the export
//! plans they print line by line, so that a wrong consent decision fails.
//!
//! The scripts need `bash` and the usual shell tools (`mktemp`, `awk`, `cp`).

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const ANOUK: &str = "Anouk Hendriks-van Dam (2026-041)";
const BASTIAAN: &str = "Bastiaan Hendriks (2026-042)";

/// Runs `examples/scenarios/situation-N.sh` with English messages and returns
/// its standard output and standard error, interleaved as written. Panics
/// with the output if the script fails.
fn run_scenario(number: u32) -> String {
    let script: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "examples",
        "scenarios",
        &format!("situation-{number}.sh"),
    ]
    .iter()
    .collect();

    // One pipe for both streams keeps the export plans (standard error)
    // next to the commands that printed them (standard output).
    let (mut reader, writer) = io::pipe().expect("create pipe");
    let mut command = Command::new("bash");
    command
        .arg(&script)
        .env("KLUIS_BIN", env!("CARGO_BIN_EXE_kluis"))
        .env("LANG", "C.UTF-8")
        .env_remove("LANGUAGE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("KLUIS_LANG")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("clone pipe writer"))
        .stderr(writer);
    let mut child = command.spawn().expect("start bash");
    // The command keeps its copies of the pipe's write ends open until it is
    // dropped, and the read below ends only when every write end is closed.
    drop(command);

    let mut output = String::new();
    reader
        .read_to_string(&mut output)
        .expect("read scenario output as UTF-8");
    let status = child.wait().expect("wait for bash");
    assert!(
        status.success(),
        "{} failed with {status}; output:\n{output}",
        script.display()
    );
    assert!(
        output.lines().any(|line| line.starts_with("EXPECTED OUTCOME: ")),
        "{} printed no EXPECTED OUTCOME line; output:\n{output}",
        script.display()
    );
    output
}

/// Returns the output of each run of `command` (the echoed line, such as
/// `$ kluis export --for 2026-042 --dry-run`), in order: the lines after it up
/// to the next blank line.
fn outputs_of(output: &str, command: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = output.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| **line == command)
        .map(|(index, _)| {
            lines[index + 1..]
                .iter()
                .take_while(|line| !line.is_empty())
                .map(|line| line.to_string())
                .collect()
        })
        .collect()
}

/// Returns the output of the only run of `command`.
fn output_of_single_run(output: &str, command: &str) -> Vec<String> {
    let mut runs = outputs_of(output, command);
    assert_eq!(
        runs.len(),
        1,
        "expected one run of `{command}`; output:\n{output}"
    );
    runs.remove(0)
}

/// Returns the identifier of the first consent the script recorded for
/// `grantor` (a registration number), from kluis's "Consent ID of GRANTOR
/// recorded." message.
fn first_recorded_consent(output: &str, grantor: &str) -> String {
    let suffix = format!(" of {grantor} recorded.");
    output
        .lines()
        .find_map(|line| line.strip_prefix("Consent ")?.strip_suffix(suffix.as_str()))
        .unwrap_or_else(|| panic!("no consent of {grantor} recorded; output:\n{output}"))
        .to_string()
}

/// Asserts that `block`, the output of one command, contains `line` as a
/// whole line. `label` names the plan in the failure message.
fn assert_has_line(block: &[String], line: &str, label: &str) {
    assert!(
        block.iter().any(|candidate| candidate == line),
        "{label}: expected the line\n{line}\nin:\n{}",
        block.join("\n")
    );
}

fn no_consent(person: &str, rule: &str) -> String {
    format!("[{rule}: {person} has not consented to this recipient]")
}

fn missing_consent(person: &str, rule: &str) -> String {
    format!("Missing consent: {person} has not given a usable consent for this recipient ({rule}).")
}

#[test]
fn situation_1_couple_together() {
    let output = run_scenario(1);
    let intake = "K-2026-017, note 1: intake of 2026-03-02";

    let anouk_consent = &first_recorded_consent(&output, "2026-041");
    let list = output_of_single_run(&output, "$ kluis consent list");
    assert_has_line(
        &list,
        &format!(
            "{anouk_consent}  {ANOUK} → {BASTIAAN}  [active]  valid from 2026-03-16, without end date; \
             after the counselling: yes; purpose: Inzage in het dossier tijdens en na de begeleiding"
        ),
        "Anouk's partner consent holds after the counselling",
    );

    let for_bastiaan = output_of_single_run(
        &output,
        "$ kluis export --for 2026-042 --about 2026-041 --dry-run",
    );
    let label = "partner consent, Bastiaan asks for Anouk's data";
    assert_has_line(&for_bastiaan, "Goes out (7):", label);
    assert_has_line(&for_bastiaan, "Withheld (0):", label);
    assert_has_line(
        &for_bastiaan,
        "  + 2026-041, note 1: intake of 2026-03-02 [R2]",
        label,
    );
    assert_has_line(
        &for_bastiaan,
        &format!("  + {intake}, paragraph 1 (about both partners) [R2]"),
        label,
    );
    assert_has_line(
        &for_bastiaan,
        &format!("  + {intake}, paragraph 2 (about partner A) [R2]"),
        label,
    );
    assert_has_line(
        &for_bastiaan,
        &format!("  + {intake}, paragraph 3 (about partner B) [R1]"),
        label,
    );

    let for_anouk = output_of_single_run(
        &output,
        "$ kluis export --for 2026-041 --about 2026-042 --dry-run",
    );
    let label = "partner consent, Anouk asks for Bastiaan's data";
    assert_has_line(&for_anouk, "Goes out (7):", label);
    assert_has_line(&for_anouk, "Withheld (0):", label);
    assert_has_line(
        &for_anouk,
        &format!("  + {intake}, paragraph 3 (about partner B) [R2]"),
        label,
    );
    assert_has_line(
        &for_anouk,
        &format!("  + {intake}, paragraph 4 (about both partners) [R2]"),
        label,
    );

    let lawyer = outputs_of(
        &output,
        "$ kluis export --third-party 'mr. J. de Vries' --role advocaat --about 2026-041 --about K-2026-017 --dry-run",
    );
    assert_eq!(lawyer.len(), 2, "expected two lawyer plans; output:\n{output}");

    let label = "lawyer, partner consents only";
    let before = &lawyer[0];
    assert_has_line(before, "Export for mr. J. de Vries (advocaat)", label);
    assert_has_line(before, "Goes out (0):", label);
    assert_has_line(before, "Withheld (6):", label);
    assert_has_line(
        before,
        &format!(
            "  - 2026-041, note 1: intake of 2026-03-02 {}",
            no_consent(ANOUK, "R3")
        ),
        label,
    );
    assert_has_line(
        before,
        &format!(
            "  - {intake}, paragraph 2 (about partner A) {}",
            no_consent(ANOUK, "R3")
        ),
        label,
    );
    assert_has_line(before, &missing_consent(ANOUK, "R3"), label);
    assert_has_line(before, &missing_consent(BASTIAAN, "R3"), label);

    let label = "lawyer, with Anouk's third-party consent";
    let after = &lawyer[1];
    assert_has_line(after, "Goes out (4):", label);
    assert_has_line(after, "Withheld (3):", label);
    assert_has_line(after, "  + 2026-041, note 1: intake of 2026-03-02 [R3]", label);
    assert_has_line(
        after,
        &format!("  + {intake}, paragraph 2 (about partner A) [R3]"),
        label,
    );
    assert_has_line(
        after,
        &format!(
            "  - {intake}, paragraph 1 (about both partners) {}",
            no_consent(BASTIAAN, "R3")
        ),
        label,
    );
    assert_has_line(
        after,
        &format!(
            "  - {intake}, paragraph 3 (about partner B) {}",
            no_consent(BASTIAAN, "R3")
        ),
        label,
    );
    assert_has_line(after, &missing_consent(BASTIAAN, "R3"), label);
}

#[test]
fn situation_2_no_consent_yet() {
    let output = run_scenario(2);
    let session = "K-2026-017, note 1: session of 2026-03-09";
    let working_note =
        "  - 2026-041, note 2: working note of 2026-03-02 [R10: working notes are never disclosed]";

    let for_bastiaan = outputs_of(
        &output,
        "$ kluis export --for 2026-042 --about 2026-041 --dry-run",
    );
    assert_eq!(
        for_bastiaan.len(),
        2,
        "expected two plans for Bastiaan; output:\n{output}"
    );

    let label = "Bastiaan, before Anouk's consent";
    let before = &for_bastiaan[0];
    assert_has_line(before, "Goes out (1):", label);
    assert_has_line(
        before,
        &format!("  + {session}, paragraph 3 (about partner B) [R1]"),
        label,
    );
    assert_has_line(before, "Withheld (5):", label);
    assert_has_line(
        before,
        &format!(
            "  - 2026-041, note 1: intake of 2026-03-02 {}",
            no_consent(ANOUK, "R2")
        ),
        label,
    );
    assert_has_line(
        before,
        &format!(
            "  - {session}, paragraph 1 (about both partners) {}",
            no_consent(ANOUK, "R2")
        ),
        label,
    );
    assert_has_line(
        before,
        &format!(
            "  - {session}, paragraph 2 (about partner A) {}",
            no_consent(ANOUK, "R2")
        ),
        label,
    );
    assert_has_line(before, working_note, label);
    assert_has_line(before, &missing_consent(ANOUK, "R2"), label);

    let label = "Bastiaan, after Anouk's consent";
    let after = &for_bastiaan[1];
    assert_has_line(after, "Goes out (6):", label);
    assert_has_line(after, "  + 2026-041, note 1: intake of 2026-03-02 [R2]", label);
    assert_has_line(
        after,
        &format!("  + {session}, paragraph 1 (about both partners) [R2]"),
        label,
    );
    assert_has_line(
        after,
        &format!("  + {session}, paragraph 2 (about partner A) [R2]"),
        label,
    );
    assert_has_line(after, "Withheld (1):", label);
    assert_has_line(after, working_note, label);

    let for_anouk = output_of_single_run(
        &output,
        "$ kluis export --for 2026-041 --about 2026-042 --dry-run",
    );
    let label = "Anouk, Bastiaan never consented";
    assert_has_line(&for_anouk, "Goes out (3):", label);
    assert_has_line(
        &for_anouk,
        "  + 2026-041, note 1: intake of 2026-03-02 [R1]",
        label,
    );
    assert_has_line(
        &for_anouk,
        &format!("  + {session}, paragraph 2 (about partner A) [R1]"),
        label,
    );
    assert_has_line(&for_anouk, "Withheld (4):", label);
    assert_has_line(
        &for_anouk,
        &format!(
            "  - {session}, paragraph 3 (about partner B) {}",
            no_consent(BASTIAAN, "R2")
        ),
        label,
    );
    assert_has_line(
        &for_anouk,
        &format!(
            "  - {session}, paragraph 4 (about both partners) {}",
            no_consent(BASTIAAN, "R2")
        ),
        label,
    );
    assert_has_line(&for_anouk, &missing_consent(BASTIAAN, "R2"), label);
}

#[test]
fn situation_3_request_after_end() {
    let output = run_scenario(3);
    let session = "K-2026-017, note 1: session of 2026-09-28";
    let anouk_consent = &first_recorded_consent(&output, "2026-041");
    let bastiaan_consent = &first_recorded_consent(&output, "2026-042");
    let not_reverified = format!(
        "[R5: the request dated 2026-11-20 came after the counselling of {ANOUK} ended, and consent \
         {anouk_consent}, given before the end, has not been confirmed again since the request]"
    );

    let for_bastiaan = outputs_of(
        &output,
        "$ kluis export --for 2026-042 --about 2026-041 --requested-on 2026-11-20 --dry-run",
    );
    assert_eq!(
        for_bastiaan.len(),
        2,
        "expected two plans for Bastiaan; output:\n{output}"
    );

    let label = "Bastiaan after the end, before re-verification";
    let before = &for_bastiaan[0];
    assert_has_line(before, "Goes out (2):", label);
    assert_has_line(
        before,
        &format!("  + {session}, paragraph 3 (about partner B) [R1]"),
        label,
    );
    assert_has_line(before, "Withheld (5):", label);
    assert_has_line(
        before,
        &format!("  - 2026-041, note 1: intake of 2026-03-02 {not_reverified}"),
        label,
    );
    assert_has_line(
        before,
        &format!("  - {session}, paragraph 1 (about both partners) {not_reverified}"),
        label,
    );
    assert_has_line(
        before,
        &format!("  - {session}, paragraph 2 (about partner A) {not_reverified}"),
        label,
    );
    assert_has_line(before, &missing_consent(ANOUK, "R5"), label);

    let reverify = output_of_single_run(
        &output,
        &format!("$ kluis consent reverify {anouk_consent} --form herbevestiging-a.eml"),
    );
    assert_has_line(
        &reverify,
        &format!("Consent {anouk_consent} re-verified. It counts again for requests made up to now."),
        "re-verification of Anouk's consent",
    );

    let label = "Bastiaan after the end, after re-verification";
    let after = &for_bastiaan[1];
    assert_has_line(after, "Goes out (8):", label);
    assert_has_line(after, "Withheld (0):", label);
    assert_has_line(after, "  + 2026-041, note 1: intake of 2026-03-02 [R2]", label);
    assert_has_line(
        after,
        &format!("  + {session}, paragraph 1 (about both partners) [R2]"),
        label,
    );
    assert_has_line(
        after,
        &format!("  + {session}, paragraph 2 (about partner A) [R2]"),
        label,
    );

    let ended = format!(
        "[R4: the counselling of {BASTIAAN} has ended and consent {bastiaan_consent} does not hold after it]"
    );
    let for_anouk = output_of_single_run(
        &output,
        "$ kluis export --for 2026-041 --about 2026-042 --requested-on 2026-11-20 --dry-run",
    );
    let label = "Anouk after the end, Bastiaan's consent not after the end";
    assert_has_line(&for_anouk, "Goes out (4):", label);
    assert_has_line(&for_anouk, "Withheld (4):", label);
    assert_has_line(
        &for_anouk,
        &format!("  - {session}, paragraph 1 (about both partners) {ended}"),
        label,
    );
    assert_has_line(
        &for_anouk,
        &format!("  - {session}, paragraph 3 (about partner B) {ended}"),
        label,
    );
    assert_has_line(&for_anouk, &missing_consent(BASTIAAN, "R4"), label);
}

#[test]
fn situation_4_registered_individually() {
    let output = run_scenario(4);
    let session = "K-2026-017, note 1: session of 2026-03-09";

    let rejected = output_of_single_run(
        &output,
        "$ kluis consent record --grantor 2026-041 --to 2026-042 --form toestemmingsformulier-a.pdf \
         --signed-on 2026-01-26 --from 2026-01-26 --purpose 'Uitwisseling met mijn partner'",
    );
    let label = "partner consent before the couple registration";
    assert_has_line(
        &rejected,
        "error: 2026-042 is not the partner of the grantor in any couple record",
        label,
    );
    assert_has_line(&rejected, "(exit status 10)", label);

    let for_bastiaan = outputs_of(
        &output,
        "$ kluis export --for 2026-042 --about 2026-041 --dry-run",
    );
    assert_eq!(
        for_bastiaan.len(),
        2,
        "expected two plans for Bastiaan; output:\n{output}"
    );

    let label = "Bastiaan, linked but without consent";
    let before = &for_bastiaan[0];
    assert_has_line(before, "Goes out (2):", label);
    assert_has_line(before, "  + 2026-042, note 1: session of 2026-02-16 [R1]", label);
    assert_has_line(
        before,
        &format!("  + {session}, paragraph 3 (about partner B) [R1]"),
        label,
    );
    assert_has_line(before, "Withheld (4):", label);
    assert_has_line(
        before,
        &format!(
            "  - 2026-041, note 1: session of 2026-01-26 {}",
            no_consent(ANOUK, "R2")
        ),
        label,
    );
    assert_has_line(
        before,
        &format!(
            "  - {session}, paragraph 2 (about partner A) {}",
            no_consent(ANOUK, "R2")
        ),
        label,
    );
    assert_has_line(before, &missing_consent(ANOUK, "R2"), label);

    let label = "Bastiaan, under Anouk's consent";
    let after = &for_bastiaan[1];
    assert_has_line(after, "Goes out (8):", label);
    assert_has_line(after, "Withheld (0):", label);
    assert_has_line(after, "  + 2026-041, note 1: session of 2026-01-26 [R2]", label);
    assert_has_line(
        after,
        &format!("  + {session}, paragraph 2 (about partner A) [R2]"),
        label,
    );

    let bastiaan_consent = &first_recorded_consent(&output, "2026-042");
    let out_of_scope =
        format!("[R2: consent {bastiaan_consent} of {BASTIAAN} does not cover this dossier or kind of data]");
    let for_anouk = output_of_single_run(
        &output,
        "$ kluis export --for 2026-041 --about 2026-042 --dry-run",
    );
    let label = "Anouk, under Bastiaan's joint-paragraphs-only consent";
    assert_has_line(&for_anouk, "Goes out (6):", label);
    assert_has_line(
        &for_anouk,
        &format!("  + {session}, paragraph 3 (about partner B) [R2]"),
        label,
    );
    assert_has_line(
        &for_anouk,
        &format!("  + {session}, paragraph 4 (about both partners) [R2]"),
        label,
    );
    assert_has_line(&for_anouk, "Withheld (2):", label);
    assert_has_line(
        &for_anouk,
        &format!("  - 2026-042, note 1: session of 2026-02-16 {out_of_scope}"),
        label,
    );
    assert_has_line(&for_anouk, &missing_consent(BASTIAAN, "R2"), label);
}
