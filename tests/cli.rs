//! Integration tests of the `kluis` command line: messages on standard
//! output and standard error, exit codes, the consent rules as seen through
//! exports, damaged vaults, and what ends up on disk.
//!
//! Exports are decrypted with the stock `age` CLI (`apt-get install age`).

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::SystemTime;

use common::sample;
use common::{
    age_decrypt, kluis, mode, run_command, sample_file, walk_files, AgeKey, TestVault, DUTCH, ENGLISH,
    PASSPHRASE,
};

/// Exit codes of kluis, as documented in `kluis --help`.
const EXIT_USAGE: i32 = 2;
const EXIT_LOCKED_OUT: i32 = 3;
const EXIT_NOT_FOUND: i32 = 4;
const EXIT_DAMAGED: i32 = 5;
const EXIT_CONSENT: i32 = 6;
const EXIT_REFUSED: i32 = 7;
const EXIT_BUSY: i32 = 8;
const EXIT_IO: i32 = 9;
const EXIT_INVALID_INPUT: i32 = 10;

const HINT_DAMAGED: &str =
    "hint: Nothing was changed or disclosed. Restore the vault folder from a copy made before the damage.";
const HINT_USAGE_EN: &str =
    "hint: Run kluis --help for the commands, or kluis COMMAND --help for one command.";
const HINT_USAGE_NL: &str =
    "tip: Voer kluis --help uit voor de opdrachten, of kluis COMMAND --help voor één opdracht.";

/// Returns today's date in the practice's time zone, as kluis writes it.
fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .in_tz("Europe/Amsterdam")
        .expect("bundled time zone")
        .date()
}

/// Replaces each `{key}` in `template` with its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (key, value) in values {
        text = text.replace(&format!("{{{key}}}"), value);
    }
    text
}

/// Returns the lines of one `## heading` section of a receipt, without the
/// blank lines around them.
fn receipt_section(receipt: &str, heading: &str) -> Vec<String> {
    let heading_line = format!("## {heading}");
    receipt
        .lines()
        .skip_while(|line| *line != heading_line)
        .skip(1)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Returns the text of a sample note as a person-dossier export writes it.
fn exported_note(heading: &str, sample_name: &str) -> String {
    let text = fs::read_to_string(sample_file(sample_name)).expect("sample note");
    format!("# {heading}\n\n{}\n", text.trim_end())
}

/// Flips one bit in the middle of a file.
fn flip_middle_byte(path: &Path) {
    let mut bytes = fs::read(path).expect("read file to damage");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(path, bytes).expect("write damaged file");
}

/// Returns the largest file below `folder`.
fn largest_file(folder: &Path) -> PathBuf {
    walk_files(folder)
        .into_iter()
        .max_by_key(|path| fs::metadata(path).expect("metadata").len())
        .expect("folder has files")
}

/// Binary content with every byte value, for attachments.
fn binary_content() -> Vec<u8> {
    (0..4096u32).map(|i| (i % 256) as u8).collect()
}

// ---------------------------------------------------------------------------
// Happy path in both languages

/// Expected messages of the happy path in one language. `{name}` marks a
/// value filled in by the test.
struct HappyPathTexts {
    lang: &'static str,
    /// Whether `init` writes the recovery key to a file or shows it.
    recovery_key_to_file: bool,
    init_recovery: &'static str,
    init_done: &'static str,
    person_added: &'static str,
    couple_added: &'static str,
    note_added_intake: &'static str,
    note_added_session: &'static str,
    attachment_added: &'static str,
    list: [&'static str; 3],
    show_person: &'static [&'static str],
    note_2: &'static str,
    consent_recorded: &'static str,
    consent_line_active: &'static str,
    plan: &'static [&'static str],
    export_written: &'static str,
    export_inform: &'static str,
    archive_names: &'static [&'static str],
    intake_file: &'static str,
    intake_heading: &'static str,
    session_file: &'static str,
    scan_file: &'static str,
    joint_file: &'static str,
    receipt_file: &'static str,
    receipt_intro: &'static str,
    receipt_included: &'static str,
    receipt_withheld: &'static str,
    receipt_intake_line: &'static str,
    receipt_none: &'static str,
    consent_withdrawn: &'static str,
    consent_line_withdrawn: &'static str,
}

const ENGLISH_TEXTS: HappyPathTexts = HappyPathTexts {
    lang: ENGLISH,
    recovery_key_to_file: true,
    init_recovery: "The recovery key is in {path}. Store it offline (printed, in a safe); with it the vault can be opened if the passphrase is lost.",
    init_done: "Vault created in {path}.",
    person_added: "Dossier {registration} created.",
    couple_added: "Couple record K-2026-017 created, linking 2026-041 and 2026-042.",
    note_added_intake: "Note (intake) added to {registration}.",
    note_added_session: "Note (session) added to {registration}.",
    attachment_added: "File stored in 2026-041.",
    list: [
        "2026-041  Anouk Hendriks-van Dam  (counselling from 2026-03-02, without end date; notes: 2, working notes: 0, attachments: 1, consents: 0)",
        "2026-042  Bastiaan Hendriks  (counselling from 2026-03-02, without end date; notes: 0, working notes: 0, attachments: 0, consents: 0)",
        "K-2026-017  couple record of 2026-041 + 2026-042  (counselling from 2026-03-02, without end date; notes: 1, working notes: 0)",
    ],
    show_person: &[
        "Dossier of Anouk Hendriks-van Dam (2026-041)",
        "  E-mail: anouk.hendriks@example.nl",
        "  Telephone: 06-00001041",
        "  Address: Stationsstraat 1, Amersfoort",
        "  Counselling started: 2026-03-02",
        "  Couple record: K-2026-017",
        "",
        "Notes: 2",
        "    1. 2026-03-02 intake",
        "    2. 2026-03-16 session",
        "Attachments: 1",
        "    1. intakeformulier (scan-intakeformulier.pdf, 4096 B)",
    ],
    note_2: "# session — 2026-03-16",
    consent_recorded: "Consent {consent} of 2026-041 recorded.",
    consent_line_active: "{consent}  Anouk Hendriks-van Dam (2026-041) → Bastiaan Hendriks (2026-042)  [active]  valid from 2026-03-16, without end date; after the counselling: yes; purpose: Inzage in het dossier",
    plan: &[
        "Export for Bastiaan Hendriks (2026-042)",
        "Goes out (9):",
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 1 (about both partners) [R2]",
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 2 (about partner A) [R2]",
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 3 (about partner B) [R1]",
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) [R2]",
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 5 (about both partners) [R2]",
        "  + 2026-041, note 1: intake of 2026-03-02 [R2]",
        "  + 2026-041, note 2: session of 2026-03-16 [R2]",
        "  + 2026-041, attachment 1: intakeformulier (scan-intakeformulier.pdf) [R2]",
        "  + 2026-041, attachment 2: signed consent form (toestemmingsformulier-a.pdf) [R2]",
        "Withheld (0):",
    ],
    export_written: "Export written to {path}.",
    export_inform: "This export used the consent of Anouk Hendriks-van Dam (2026-041). Inform them that their data was disclosed.",
    archive_names: &[
        "kluis-export/2026-041/01-intake-2026-03-02.md",
        "kluis-export/2026-041/02-session-2026-03-16.md",
        "kluis-export/2026-041/attachments/01-scan-intakeformulier.pdf",
        "kluis-export/2026-041/attachments/02-toestemmingsformulier-a.pdf",
        "kluis-export/INDEX.md",
        "kluis-export/K-2026-017/01-session-2026-04-13.md",
        "kluis-export/RECEIPT.md",
        "kluis-export/receipt.cose",
    ],
    intake_file: "kluis-export/2026-041/01-intake-2026-03-02.md",
    intake_heading: "2026-041, note 1: intake of 2026-03-02",
    session_file: "kluis-export/2026-041/02-session-2026-03-16.md",
    scan_file: "kluis-export/2026-041/attachments/01-scan-intakeformulier.pdf",
    joint_file: "kluis-export/K-2026-017/01-session-2026-04-13.md",
    receipt_file: "kluis-export/RECEIPT.md",
    receipt_intro: "This export was made for Bastiaan Hendriks (2026-042) on {date}. It lists what was included and what was withheld, with the rule that decided.",
    receipt_included: "Included",
    receipt_withheld: "Withheld",
    receipt_intake_line: "- 2026-041, note 1: intake of 2026-03-02 → `2026-041/01-intake-2026-03-02.md` (R2: under the consent of Anouk Hendriks-van Dam (2026-041))",
    receipt_none: "(nothing)",
    consent_withdrawn: "Consent {consent} withdrawn. Nothing more goes out under it; earlier disclosures stay valid.",
    consent_line_withdrawn: "{consent}  Anouk Hendriks-van Dam (2026-041) → Bastiaan Hendriks (2026-042)  [withdrawn]  valid from 2026-03-16, without end date; after the counselling: yes; purpose: Inzage in het dossier",
};

const DUTCH_TEXTS: HappyPathTexts = HappyPathTexts {
    lang: DUTCH,
    recovery_key_to_file: false,
    init_recovery: "Hieronder staat je herstelsleutel. Hij wordt alleen deze ene keer getoond: schrijf hem op of print hem, en bewaar hem offline. Met de herstelsleutel kun je de kluis openen als je de wachtwoordzin kwijt bent.",
    init_done: "Kluis gemaakt in {path}.",
    person_added: "Dossier {registration} aangemaakt.",
    couple_added: "Koppeldossier K-2026-017 aangemaakt voor 2026-041 en 2026-042.",
    note_added_intake: "Aantekening (intake) toegevoegd aan {registration}.",
    note_added_session: "Aantekening (sessie) toegevoegd aan {registration}.",
    attachment_added: "Bestand opgeslagen in 2026-041.",
    list: [
        "2026-041  Anouk Hendriks-van Dam  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 2, werkaantekeningen: 0, bijlagen: 1, toestemmingen: 0)",
        "2026-042  Bastiaan Hendriks  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 0, werkaantekeningen: 0, bijlagen: 0, toestemmingen: 0)",
        "K-2026-017  koppeldossier van 2026-041 + 2026-042  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 1, werkaantekeningen: 0)",
    ],
    show_person: &[
        "Dossier van Anouk Hendriks-van Dam (2026-041)",
        "  E-mail: anouk.hendriks@example.nl",
        "  Telefoon: 06-00001041",
        "  Adres: Stationsstraat 1, Amersfoort",
        "  Begeleiding gestart: 2026-03-02",
        "  Koppeldossier: K-2026-017",
        "",
        "Aantekeningen: 2",
        "    1. 2026-03-02 intake",
        "    2. 2026-03-16 sessie",
        "Bijlagen: 1",
        "    1. intakeformulier (scan-intakeformulier.pdf, 4096 B)",
    ],
    note_2: "# sessie — 2026-03-16",
    consent_recorded: "Toestemming {consent} van 2026-041 vastgelegd.",
    consent_line_active: "{consent}  Anouk Hendriks-van Dam (2026-041) → Bastiaan Hendriks (2026-042)  [geldig]  geldig vanaf 2026-03-16, zonder einddatum; ook na de begeleiding: ja; doel: Inzage in het dossier",
    plan: &[
        "Export voor Bastiaan Hendriks (2026-042)",
        "Gaat mee (9):",
        "  + K-2026-017, aantekening 1: sessie van 2026-04-13, alinea 1 (over beide partners) [R2]",
        "  + K-2026-017, aantekening 1: sessie van 2026-04-13, alinea 2 (over partner A) [R2]",
        "  + K-2026-017, aantekening 1: sessie van 2026-04-13, alinea 3 (over partner B) [R1]",
        "  + K-2026-017, aantekening 1: sessie van 2026-04-13, alinea 4 (over beide partners) [R2]",
        "  + K-2026-017, aantekening 1: sessie van 2026-04-13, alinea 5 (over beide partners) [R2]",
        "  + 2026-041, aantekening 1: intake van 2026-03-02 [R2]",
        "  + 2026-041, aantekening 2: sessie van 2026-03-16 [R2]",
        "  + 2026-041, bijlage 1: intakeformulier (scan-intakeformulier.pdf) [R2]",
        "  + 2026-041, bijlage 2: ondertekend toestemmingsformulier (toestemmingsformulier-a.pdf) [R2]",
        "Achtergehouden (0):",
    ],
    export_written: "Export opgeslagen in {path}.",
    export_inform: "Voor deze export is de toestemming van Anouk Hendriks-van Dam (2026-041) gebruikt. Informeer de betrokkene(n) dat deze gegevens zijn verstrekt.",
    archive_names: &[
        "kluis-export/2026-041/01-intake-2026-03-02.md",
        "kluis-export/2026-041/02-sessie-2026-03-16.md",
        "kluis-export/2026-041/bijlagen/01-scan-intakeformulier.pdf",
        "kluis-export/2026-041/bijlagen/02-toestemmingsformulier-a.pdf",
        "kluis-export/INHOUD.md",
        "kluis-export/K-2026-017/01-sessie-2026-04-13.md",
        "kluis-export/ONTVANGSTBEWIJS.md",
        "kluis-export/receipt.cose",
    ],
    intake_file: "kluis-export/2026-041/01-intake-2026-03-02.md",
    intake_heading: "2026-041, aantekening 1: intake van 2026-03-02",
    session_file: "kluis-export/2026-041/02-sessie-2026-03-16.md",
    scan_file: "kluis-export/2026-041/bijlagen/01-scan-intakeformulier.pdf",
    joint_file: "kluis-export/K-2026-017/01-sessie-2026-04-13.md",
    receipt_file: "kluis-export/ONTVANGSTBEWIJS.md",
    receipt_intro: "Deze export is op {date} gemaakt voor Bastiaan Hendriks (2026-042). Hieronder ziet u wat erin is opgenomen en wat is achtergehouden, met bij elk onderdeel de regel die de doorslag gaf.",
    receipt_included: "Opgenomen",
    receipt_withheld: "Achtergehouden",
    receipt_intake_line: "- 2026-041, aantekening 1: intake van 2026-03-02 → `2026-041/01-intake-2026-03-02.md` (R2: met toestemming van Anouk Hendriks-van Dam (2026-041))",
    receipt_none: "(niets)",
    consent_withdrawn: "Toestemming {consent} ingetrokken. Op grond van deze toestemming wordt niets meer verstrekt; eerdere verstrekkingen blijven geldig.",
    consent_line_withdrawn: "{consent}  Anouk Hendriks-van Dam (2026-041) → Bastiaan Hendriks (2026-042)  [ingetrokken]  geldig vanaf 2026-03-16, zonder einddatum; ook na de begeleiding: ja; doel: Inzage in het dossier",
};

/// Runs every everyday command once on a new vault and checks each message
/// in the language of `texts`.
fn run_happy_path(texts: &HappyPathTexts) {
    let vault = TestVault::uninitialized(texts.lang);
    let vault_path = vault.path.to_str().unwrap().to_string();

    // init, with the recovery key in a file or on standard output.
    if texts.recovery_key_to_file {
        let key_file = vault.file("recovery-key.txt");
        let init = vault.ok(&["init", "--recovery-key-file", key_file.to_str().unwrap()]);
        assert_eq!(
            init.stderr_lines(),
            [
                fill(texts.init_recovery, &[("path", key_file.to_str().unwrap())]),
                fill(texts.init_done, &[("path", &vault_path)]),
            ]
        );
        assert_eq!(init.stdout, "");
        let key = fs::read_to_string(&key_file).expect("recovery key file");
        assert!(key.starts_with("AGE-SECRET-KEY-1"), "recovery key file: {key}");
        assert_eq!(mode(&key_file), 0o600);
    } else {
        let init = vault.ok(&["init"]);
        assert_eq!(
            init.stderr_lines(),
            [
                texts.init_recovery.to_string(),
                fill(texts.init_done, &[("path", &vault_path)]),
            ]
        );
        assert_eq!(init.stdout_lines().len(), 1, "stdout: {}", init.stdout);
        assert!(
            init.stdout.starts_with("AGE-SECRET-KEY-1"),
            "stdout: {}",
            init.stdout
        );
    }

    // person add, couple add
    let person_a = vault.ok(&[
        "person",
        "add",
        "--registration",
        sample::A,
        "--name",
        sample::A_NAME,
        "--email",
        "anouk.hendriks@example.nl",
        "--phone",
        "06-00001041",
        "--address",
        "Stationsstraat 1, Amersfoort",
        "--start",
        sample::START,
    ]);
    assert_eq!(
        person_a.stderr_lines(),
        [fill(texts.person_added, &[("registration", sample::A)])]
    );
    let person_b = vault.ok(&[
        "person",
        "add",
        "--registration",
        sample::B,
        "--name",
        sample::B_NAME,
        "--start",
        sample::START,
    ]);
    assert_eq!(
        person_b.stderr_lines(),
        [fill(texts.person_added, &[("registration", sample::B)])]
    );
    let couple = vault.ok(&[
        "couple",
        "add",
        "--registration",
        sample::COUPLE,
        "--partner-a",
        sample::A,
        "--partner-b",
        sample::B,
        "--start",
        sample::START,
    ]);
    assert_eq!(couple.stderr_lines(), [texts.couple_added]);

    // note add: from a file, from standard input without --file, and with --file -.
    let intake = sample_file("a-intake.md");
    let note_file = vault.ok(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "intake",
        "--date",
        "2026-03-02",
        "--file",
        intake.to_str().unwrap(),
    ]);
    assert_eq!(
        note_file.stderr_lines(),
        [fill(texts.note_added_intake, &[("registration", sample::A)])]
    );
    let session_text = fs::read(sample_file("a-sessie-individueel.md")).unwrap();
    let note_stdin = vault.run_with_stdin(
        &[
            "note",
            "add",
            sample::A,
            "--kind",
            "session",
            "--date",
            "2026-03-16",
        ],
        session_text.clone(),
    );
    note_stdin.expect_code(0);
    assert_eq!(
        note_stdin.stderr_lines(),
        [fill(texts.note_added_session, &[("registration", sample::A)])]
    );
    let joint_text = fs::read(sample_file("gezamenlijk-gesprek-1.md")).unwrap();
    let note_dash = vault.run_with_stdin(
        &[
            "note",
            "add",
            sample::COUPLE,
            "--kind",
            "session",
            "--date",
            "2026-04-13",
            "--file",
            "-",
        ],
        joint_text,
    );
    note_dash.expect_code(0);
    assert_eq!(
        note_dash.stderr_lines(),
        [fill(
            texts.note_added_session,
            &[("registration", sample::COUPLE)]
        )]
    );

    // attach
    let scan = vault.write_file("scan-intakeformulier.pdf", binary_content());
    let attach = vault.ok(&[
        "attach",
        sample::A,
        scan.to_str().unwrap(),
        "--label",
        "intakeformulier",
    ]);
    assert_eq!(attach.stderr_lines(), [texts.attachment_added]);

    // list, show, show --note, show --attachment
    let list = vault.ok(&["list"]);
    assert_eq!(list.stdout_lines(), texts.list);
    assert_eq!(list.stderr, "");

    let show = vault.ok(&["show", sample::A]);
    // NOTE: kluis ends each note line of the overview with a space; the
    // comparison ignores trailing whitespace.
    let overview_lines: Vec<&str> = show.stdout.lines().map(str::trim_end).collect();
    assert_eq!(overview_lines, texts.show_person);

    let note = vault.ok(&["show", sample::A, "--note", "2"]);
    let expected_note = format!(
        "{}\n\n{}\n",
        texts.note_2,
        String::from_utf8(session_text).unwrap().trim_end()
    );
    assert_eq!(note.stdout, expected_note);

    let scan_copy = vault.file("scan-copy.pdf");
    vault.ok(&[
        "show",
        sample::A,
        "--attachment",
        "1",
        "-o",
        scan_copy.to_str().unwrap(),
    ]);
    assert_eq!(fs::read(&scan_copy).unwrap(), binary_content());
    assert_eq!(mode(&scan_copy), 0o600);

    // consent record, consent list
    let form = sample_file("toestemmingsformulier-a.pdf");
    let recorded = vault.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::A,
        "--to",
        sample::B,
        "--form",
        form.to_str().unwrap(),
        "--after-end",
        "--from",
        "2026-03-16",
        "--purpose",
        "Inzage in het dossier",
    ]);
    let consent = recorded.consent_id();
    assert_eq!(
        recorded.stderr_lines(),
        [fill(texts.consent_recorded, &[("consent", &consent)])]
    );
    let consents = vault.ok(&["consent", "list"]);
    assert_eq!(
        consents.stdout_lines(),
        [fill(texts.consent_line_active, &[("consent", &consent)])]
    );

    // export for partner B, including A's dossier under A's consent
    let key = AgeKey::generate(vault.folder());
    let (export, file) = vault.export(&["--for", sample::B, "--about", sample::A], &key, "export-b.age");
    export.expect_code(0);
    let mut expected_stderr: Vec<String> = texts.plan.iter().map(|line| line.to_string()).collect();
    expected_stderr.push(fill(texts.export_written, &[("path", file.to_str().unwrap())]));
    expected_stderr.push(texts.export_inform.to_string());
    assert_eq!(export.stderr_lines(), expected_stderr);
    assert_eq!(mode(&file), 0o600);

    let archive = age_decrypt(&key.identity, &file);
    assert_eq!(archive.names(), texts.archive_names);
    assert_eq!(
        archive.text(texts.intake_file),
        exported_note(texts.intake_heading, "a-intake.md")
    );
    assert!(archive.text(texts.session_file).contains(sample::A_SESSION_TEXT));
    assert_eq!(archive.files[texts.scan_file], binary_content());
    let joint = archive.text(texts.joint_file);
    assert!(joint.contains(sample::JOINT_A_TEXT), "joint note: {joint}");
    assert!(joint.contains(sample::JOINT_B_TEXT), "joint note: {joint}");
    assert!(joint.contains(sample::JOINT_BOTH_TEXT), "joint note: {joint}");

    let receipt = archive.text(texts.receipt_file);
    let date = today().to_string();
    assert!(
        receipt.contains(&fill(texts.receipt_intro, &[("date", &date)])),
        "receipt: {receipt}"
    );
    let included = receipt_section(&receipt, texts.receipt_included);
    assert_eq!(included.len(), 9, "included: {included:#?}");
    assert!(
        included.contains(&texts.receipt_intake_line.to_string()),
        "included: {included:#?}"
    );
    assert_eq!(
        receipt_section(&receipt, texts.receipt_withheld),
        [texts.receipt_none]
    );

    // consent withdraw with a letter, then consent list
    let letter = vault.write_file("intrekking.pdf", b"%PDF-1.4 intrekkingsbrief");
    let withdrawn = vault.ok(&[
        "consent",
        "withdraw",
        &consent,
        "--letter",
        letter.to_str().unwrap(),
    ]);
    assert_eq!(
        withdrawn.stderr_lines(),
        [fill(texts.consent_withdrawn, &[("consent", &consent)])]
    );
    let consents = vault.ok(&["consent", "list"]);
    assert_eq!(
        consents.stdout_lines(),
        [fill(texts.consent_line_withdrawn, &[("consent", &consent)])]
    );
}

#[test]
fn happy_path_in_english() {
    run_happy_path(&ENGLISH_TEXTS);
}

#[test]
fn happy_path_in_dutch() {
    run_happy_path(&DUTCH_TEXTS);
}

#[test]
fn show_joint_note_and_list_in_dutch() {
    let couple = TestVault::sample_couple(DUTCH);

    let note = couple.ok(&["show", sample::COUPLE, "--note", "1"]);
    let paragraphs = fs::read_to_string(sample_file("gezamenlijk-gesprek-1.md")).unwrap();
    let paragraphs: Vec<&str> = paragraphs.split("\n\n").map(str::trim).collect();
    let expected = format!("# sessie — 2026-04-13\n\n{}\n\n", paragraphs.join("\n\n"));
    assert_eq!(note.stdout, expected);

    let list = couple.ok(&["list"]);
    assert_eq!(
        list.stdout_lines(),
        [
            "2026-041  Anouk Hendriks-van Dam  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 2, werkaantekeningen: 1, bijlagen: 1, toestemmingen: 1)",
            "2026-042  Bastiaan Hendriks  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 2, werkaantekeningen: 0, bijlagen: 0, toestemmingen: 0)",
            "K-2026-017  koppeldossier van 2026-041 + 2026-042  (begeleiding vanaf 2026-03-02, zonder einddatum; aantekeningen: 1, werkaantekeningen: 0)",
        ]
    );
}

// ---------------------------------------------------------------------------
// Consent rules, one test per rule, through exports

#[test]
fn r1_own_data_goes_out() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());

    let (export, file) = couple.export(&["--for", sample::A], &key, "export-a.age");
    export.expect_code(0);
    export.expect_stderr_line("  + 2026-041, note 1: intake of 2026-03-02 [R1]");
    export.expect_stderr_line("  + 2026-041, note 2: session of 2026-03-16 [R1]");
    export.expect_stderr_line(
        "  + 2026-041, attachment 1: signed consent form (toestemmingsformulier-a.pdf) [R1]",
    );
    export.expect_stderr_line(
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 2 (about partner A) [R1]",
    );
    assert!(
        !export.stderr.contains("This export used the consent of"),
        "own data needs no consent: {}",
        export.stderr
    );

    let archive = age_decrypt(&key.identity, &file);
    assert_eq!(
        archive.text(sample::A_INTAKE_FILE),
        exported_note("2026-041, note 1: intake of 2026-03-02", "a-intake.md")
    );
    assert!(archive
        .text(sample::A_SESSION_FILE)
        .contains(sample::A_SESSION_TEXT));
    assert_eq!(
        archive.files[sample::A_FORM_FILE],
        fs::read(sample_file("toestemmingsformulier-a.pdf")).unwrap()
    );
    assert!(archive.text(sample::JOINT_FILE).contains(sample::JOINT_A_TEXT));

    let receipt = archive.text(sample::RECEIPT_FILE);
    let included = receipt_section(&receipt, "Included");
    assert!(
        included.contains(
            &"- 2026-041, note 1: intake of 2026-03-02 → `2026-041/01-intake-2026-03-02.md` (R1: own data)"
                .to_string()
        ),
        "included: {included:#?}"
    );
}

#[test]
fn r2_partner_data_needs_consent() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());

    // B gave no consent: A does not get B's notes or any paragraph about B.
    let (to_a, file_a) = couple.export(&["--for", sample::A, "--about", sample::B], &key, "export-a.age");
    to_a.expect_code(0);
    let no_consent_b = "R2: Bastiaan Hendriks (2026-042) has not consented to this recipient";
    to_a.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [{no_consent_b}]"
    ));
    to_a.expect_stderr_line(&format!(
        "  - 2026-042, note 2: session of 2026-03-23 [{no_consent_b}]"
    ));
    to_a.expect_stderr_line(&format!(
        "  - K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) [{no_consent_b}]"
    ));
    to_a.expect_stderr_line(
        "Missing consent: Bastiaan Hendriks (2026-042) has not given a usable consent for this recipient (R2).",
    );
    let archive_a = age_decrypt(&key.identity, &file_a);
    assert!(
        !archive_a.has(sample::B_INTAKE_FILE),
        "files: {:?}",
        archive_a.names()
    );
    assert!(
        !archive_a.has(sample::B_SESSION_FILE),
        "files: {:?}",
        archive_a.names()
    );
    let joint_a = archive_a.text(sample::JOINT_FILE);
    assert!(joint_a.contains(sample::JOINT_A_TEXT), "joint note: {joint_a}");
    assert!(
        !joint_a.contains(sample::JOINT_BOTH_TEXT),
        "joint note: {joint_a}"
    );
    assert!(
        joint_a.contains("\n[Paragraph 4 withheld: see RECEIPT.md]\n"),
        "joint note: {joint_a}"
    );

    // A consented: B gets A's notes and the paragraphs about both partners.
    let (to_b, file_b) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "export-b.age");
    to_b.expect_code(0);
    to_b.expect_stderr_line("  + 2026-041, note 1: intake of 2026-03-02 [R2]");
    to_b.expect_stderr_line(
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) [R2]",
    );
    to_b.expect_stderr_line(
        "This export used the consent of Anouk Hendriks-van Dam (2026-041). Inform them that their data was disclosed.",
    );
    let archive_b = age_decrypt(&key.identity, &file_b);
    assert!(archive_b
        .text(sample::A_INTAKE_FILE)
        .contains(sample::A_INTAKE_TEXT));
    let joint_b = archive_b.text(sample::JOINT_FILE);
    assert!(joint_b.contains(sample::JOINT_BOTH_TEXT), "joint note: {joint_b}");
    assert!(joint_b.contains(sample::JOINT_A_TEXT), "joint note: {joint_b}");
    let included = receipt_section(&archive_b.text(sample::RECEIPT_FILE), "Included");
    assert!(
        included.contains(
            &"- 2026-041, note 1: intake of 2026-03-02 → `2026-041/01-intake-2026-03-02.md` (R2: under the consent of Anouk Hendriks-van Dam (2026-041))"
                .to_string()
        ),
        "included: {included:#?}"
    );
}

#[test]
fn r3_third_party_needs_own_consent() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let form = sample_file("toestemmingsformulier-a.pdf");
    let form = form.to_str().unwrap();
    let gp = ["--third-party", "dr. J. de Vries", "--role", "huisarts"];
    let request: Vec<&str> = gp
        .iter()
        .copied()
        .chain(["--about", sample::A, "--about", sample::COUPLE])
        .collect();

    // A's consent for partner B does not cover a third party: nothing goes
    // out, and the refusal is journaled.
    let journal_before = couple.journal_len();
    let (refused, refused_file) = couple.export(&request, &key, "refused.age");
    refused.expect_code(EXIT_CONSENT);
    refused.expect_stderr_line("Export for dr. J. de Vries (huisarts)");
    refused.expect_stderr_line("Goes out (0):");
    refused.expect_stderr_line(
        "  - 2026-041, note 1: intake of 2026-03-02 [R3: Anouk Hendriks-van Dam (2026-041) has not consented to this recipient]",
    );
    refused.expect_stderr_line(
        "Missing consent: Anouk Hendriks-van Dam (2026-041) has not given a usable consent for this recipient (R3).",
    );
    let lines = refused.stderr_lines();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "error: nothing may go out to this recipient; the refusal has been recorded in the journal",
            "hint: Ask the person named above for written consent, and record it with kluis consent record.",
        ]
    );
    assert!(!refused_file.exists());
    assert_eq!(
        couple.journal_len(),
        journal_before + 1,
        "the refusal is journaled"
    );

    // A third-party consent of A covers A's data and the [A] paragraphs, but
    // a paragraph about both partners also needs B's consent.
    let mut consent_a = vec!["consent", "record", "--grantor", sample::A];
    consent_a.extend_from_slice(&gp);
    consent_a.extend_from_slice(&["--form", form, "--purpose", "Verwijzing naar de huisarts"]);
    couple.ok(&consent_a);
    let (partly, partly_file) = couple.export(&request, &key, "partly.age");
    partly.expect_code(0);
    partly.expect_stderr_line("  + 2026-041, note 1: intake of 2026-03-02 [R3]");
    partly.expect_stderr_line(
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 2 (about partner A) [R3]",
    );
    partly.expect_stderr_line(
        "  - K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) [R3: Bastiaan Hendriks (2026-042) has not consented to this recipient]",
    );
    let archive = age_decrypt(&key.identity, &partly_file);
    assert!(archive
        .text(sample::A_INTAKE_FILE)
        .contains(sample::A_INTAKE_TEXT));
    let joint = archive.text(sample::JOINT_FILE);
    assert!(joint.contains(sample::JOINT_A_TEXT), "joint note: {joint}");
    assert!(!joint.contains(sample::JOINT_BOTH_TEXT), "joint note: {joint}");
    assert!(!joint.contains(sample::JOINT_B_TEXT), "joint note: {joint}");

    // With B's third-party consent too, the paragraphs about both go out.
    let mut consent_b = vec!["consent", "record", "--grantor", sample::B];
    consent_b.extend_from_slice(&gp);
    consent_b.extend_from_slice(&["--form", form, "--purpose", "Verwijzing naar de huisarts"]);
    couple.ok(&consent_b);
    let (both, both_file) = couple.export(&request, &key, "both.age");
    both.expect_code(0);
    both.expect_stderr_line(
        "  + K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) [R3]",
    );
    let archive = age_decrypt(&key.identity, &both_file);
    let joint = archive.text(sample::JOINT_FILE);
    assert!(joint.contains(sample::JOINT_BOTH_TEXT), "joint note: {joint}");
    assert!(joint.contains(sample::JOINT_B_TEXT), "joint note: {joint}");
    let included = receipt_section(&archive.text(sample::RECEIPT_FILE), "Included");
    assert!(
        included.contains(
            &"- K-2026-017, note 1: session of 2026-04-13, paragraph 4 (about both partners) → `K-2026-017/01-session-2026-04-13.md` (R3: under the consent of Anouk Hendriks-van Dam (2026-041), Bastiaan Hendriks (2026-042))"
                .to_string()
        ),
        "included: {included:#?}"
    );
}

#[test]
fn r4_consent_lapses_at_end() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let form = sample_file("toestemmingsformulier-a.pdf");

    // B consents to A without --after-end, so the consent is valid only while B is counselled.
    let recorded = couple.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--form",
        form.to_str().unwrap(),
        "--from",
        "2026-03-23",
        "--purpose",
        "Inzage tijdens de begeleiding",
    ]);
    let consent_b = recorded.consent_id();
    let before = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    before.expect_stderr_line("  + 2026-042, note 1: intake of 2026-03-02 [R2]");

    let ended = couple.ok(&["end", sample::B, "--date", "2026-10-30"]);
    assert_eq!(
        ended.stderr_lines(),
        ["Counselling of 2026-042 recorded as ended on 2026-10-30."]
    );

    let (after, file) = couple.export(&["--for", sample::A, "--about", sample::B], &key, "after-end.age");
    after.expect_code(0);
    after.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R4: the counselling of Bastiaan Hendriks (2026-042) has ended and consent {consent_b} does not hold after it]"
    ));
    after.expect_stderr_line(
        "Missing consent: Bastiaan Hendriks (2026-042) has not given a usable consent for this recipient (R4).",
    );
    let archive = age_decrypt(&key.identity, &file);
    assert!(
        !archive.has(sample::B_INTAKE_FILE),
        "files: {:?}",
        archive.names()
    );
    assert!(!archive.any_file_contains(sample::B_INTAKE_TEXT));

    let consents = couple.ok(&["consent", "list", sample::B]);
    assert!(
        consents.stdout_lines().contains(&format!(
            "{consent_b}  Bastiaan Hendriks (2026-042) → Anouk Hendriks-van Dam (2026-041)  [counselling ended, consent does not hold after it]  valid from 2026-03-23, without end date; after the counselling: no; purpose: Inzage tijdens de begeleiding"
        ).as_str()),
        "consent list: {}",
        consents.stdout
    );

    // A's consent was given with --after-end, so it is still valid after A's end.
    couple.ok(&["end", sample::A, "--date", "2026-10-30"]);
    let still = couple.ok(&["export", "--for", sample::B, "--about", sample::A, "--dry-run"]);
    still.expect_stderr_line("  + 2026-041, note 1: intake of 2026-03-02 [R2]");
}

#[test]
fn r6_withdrawal_stops_next_export() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let consent_a = couple.consent_a_to_b.clone();

    let (first, first_file) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "first.age");
    first.expect_code(0);
    let first_bytes = fs::read(&first_file).unwrap();

    // Withdrawal in writing.
    let letter = couple.write_file("intrekking.pdf", b"%PDF-1.4 intrekkingsbrief");
    let withdrawn = couple.ok(&[
        "consent",
        "withdraw",
        &consent_a,
        "--letter",
        letter.to_str().unwrap(),
    ]);
    assert_eq!(
        withdrawn.stderr_lines(),
        [format!(
            "Consent {consent_a} withdrawn. Nothing more goes out under it; earlier disclosures stay valid."
        )]
    );
    let (second, second_file) =
        couple.export(&["--for", sample::B, "--about", sample::A], &key, "second.age");
    second.expect_code(0);
    second.expect_stderr_line(&format!(
        "  - 2026-041, note 1: intake of 2026-03-02 [R6: Anouk Hendriks-van Dam (2026-041) withdrew consent {consent_a}]"
    ));
    let archive = age_decrypt(&key.identity, &second_file);
    assert!(
        !archive.has(sample::A_INTAKE_FILE),
        "files: {:?}",
        archive.names()
    );
    assert!(!archive.any_file_contains(sample::A_INTAKE_TEXT));
    assert!(archive.text(sample::JOINT_FILE).contains(sample::JOINT_B_TEXT));

    // The earlier export stays as it was and still opens.
    assert_eq!(fs::read(&first_file).unwrap(), first_bytes);
    let earlier = age_decrypt(&key.identity, &first_file);
    assert!(earlier
        .text(sample::A_INTAKE_FILE)
        .contains(sample::A_INTAKE_TEXT));

    // Withdrawal by phone suspends a consent of B.
    let form = sample_file("toestemmingsformulier-a.pdf");
    let recorded = couple.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--form",
        form.to_str().unwrap(),
        "--purpose",
        "Inzage tijdens de begeleiding",
    ]);
    let consent_b = recorded.consent_id();
    let suspended = couple.ok(&["consent", "withdraw", &consent_b, "--not-in-writing"]);
    assert_eq!(
        suspended.stderr_lines(),
        [format!(
            "Consent {consent_b} suspended: nothing goes out under it. Ask the client to confirm the withdrawal in writing, then record the letter with --letter."
        )]
    );
    let plan = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    plan.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R6: Bastiaan Hendriks (2026-042) withdrew consent {consent_b} other than in writing; it is suspended until confirmed in writing]"
    ));

    let consents = couple.ok(&["consent", "list"]);
    let lines = consents.stdout_lines();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(&format!("{consent_a}  ")) && line.contains("  [withdrawn]  ")),
        "consent list: {}",
        consents.stdout
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(&format!("{consent_b}  "))
                && line.contains("  [suspended, awaiting written confirmation of withdrawal]  ")),
        "consent list: {}",
        consents.stdout
    );
}

#[test]
fn r7_consent_valid_only_in_period() {
    use jiff::ToSpan;

    let couple = TestVault::sample_couple(ENGLISH);
    let form = sample_file("toestemmingsformulier-a.pdf");
    let form = form.to_str().unwrap();
    let future = today().checked_add(60.days()).unwrap().to_string();

    let expired = couple.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--form",
        form,
        "--from",
        "2026-03-23",
        "--until",
        "2026-06-30",
        "--purpose",
        "Inzage tot de zomer",
    ]);
    let expired = expired.consent_id();
    let lawyer = ["--third-party", "mr. P. Jansen", "--role", "advocaat"];
    let mut record_future = vec!["consent", "record", "--grantor", sample::B];
    record_future.extend_from_slice(&lawyer);
    record_future.extend_from_slice(&[
        "--form",
        form,
        "--from",
        &future,
        "--purpose",
        "Scheidingsconvenant",
    ]);
    let not_yet = couple.ok(&record_future).consent_id();

    let to_partner = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    to_partner.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R7: consent {expired} of Bastiaan Hendriks (2026-042) was valid until 2026-06-30]"
    ));

    let mut to_lawyer_args = vec!["export"];
    to_lawyer_args.extend_from_slice(&lawyer);
    to_lawyer_args.extend_from_slice(&["--about", sample::B, "--dry-run"]);
    let to_lawyer = couple.ok(&to_lawyer_args);
    to_lawyer.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R7: consent {not_yet} of Bastiaan Hendriks (2026-042) is valid only from {future}]"
    ));
    to_lawyer.expect_stderr_line("Goes out (0):");

    let consents = couple.ok(&["consent", "list", sample::B]);
    let lines = consents.stdout_lines();
    assert!(
        lines.contains(&format!(
            "{expired}  Bastiaan Hendriks (2026-042) → Anouk Hendriks-van Dam (2026-041)  [expired]  valid from 2026-03-23 up to and including 2026-06-30; after the counselling: no; purpose: Inzage tot de zomer"
        ).as_str()),
        "consent list: {}",
        consents.stdout
    );
    assert!(
        lines.contains(&format!(
            "{not_yet}  Bastiaan Hendriks (2026-042) → mr. P. Jansen (advocaat)  [not yet valid]  valid from {future}, without end date; after the counselling: no; purpose: Scheidingsconvenant"
        ).as_str()),
        "consent list: {}",
        consents.stdout
    );
}

#[test]
fn r9_partner_without_consent_gets_nothing() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());

    // A is B's partner in the couple record, and the request names B's dossier too.
    let (export, file) = couple.export(&["--for", sample::A, "--about", sample::B], &key, "export-a.age");
    export.expect_code(0);
    let archive = age_decrypt(&key.identity, &file);

    let b_paths: Vec<&str> = archive
        .names()
        .into_iter()
        .filter(|name| name.starts_with("kluis-export/2026-042/"))
        .collect();
    assert!(b_paths.is_empty(), "files of B in A's export: {b_paths:?}");
    for text in [
        sample::B_INTAKE_TEXT,
        sample::B_SESSION_TEXT,
        sample::JOINT_B_TEXT,
        sample::JOINT_BOTH_TEXT,
    ] {
        assert!(!archive.any_file_contains(text), "A's export contains {text:?}");
    }
    for paragraph in [1, 3, 4, 5] {
        export.expect_stderr_line(&format!(
            "  - K-2026-017, note 1: session of 2026-04-13, paragraph {paragraph} ({}) [R2: Bastiaan Hendriks (2026-042) has not consented to this recipient]",
            if paragraph == 3 { "about partner B" } else { "about both partners" }
        ));
    }
}

#[test]
fn r10_working_note_never_exported() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());

    // The working note goes to nobody, not even to the client it is about.
    let (export, file) = couple.export(&["--for", sample::A], &key, "export-a.age");
    export.expect_code(0);
    export.expect_stderr_line(
        "  - 2026-041, note 3: working note of 2026-03-16 [R10: working notes are never disclosed]",
    );
    assert!(
        !export.stderr.contains("Missing consent: Anouk"),
        "no consent could release a working note: {}",
        export.stderr
    );

    let archive = age_decrypt(&key.identity, &file);
    assert!(
        !archive.has(sample::A_WORKING_FILE),
        "files: {:?}",
        archive.names()
    );
    assert!(!archive.any_file_contains(sample::A_WORKING_TEXT));
    let withheld = receipt_section(&archive.text(sample::RECEIPT_FILE), "Withheld");
    assert!(
        withheld.contains(&"- 1 item (R10: working notes are never disclosed)".to_string()),
        "withheld: {withheld:#?}"
    );
}

#[test]
fn r11_partial_export_lists_withheld() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());

    // B gets A's data under A's consent, except A's working note.
    let (export, file) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "export-b.age");
    export.expect_code(0);
    export.expect_stderr_line("Withheld (1):");

    let archive = age_decrypt(&key.identity, &file);
    let receipt = archive.text(sample::RECEIPT_FILE);
    assert_eq!(
        receipt_section(&receipt, "Withheld"),
        ["- 1 item (R10: working notes are never disclosed)"]
    );
    let included = receipt_section(&receipt, "Included");
    assert_eq!(included.len(), 10, "included: {included:#?}");

    let index = archive.text(sample::INDEX_FILE);
    assert!(
        index.contains("- `2026-041/01-intake-2026-03-02.md`"),
        "index: {index}"
    );
    assert!(!index.contains("working_note"), "index: {index}");
    assert!(
        index.contains("What was withheld, and why, is in RECEIPT.md."),
        "index: {index}"
    );
    assert_eq!(
        archive.names(),
        [
            sample::A_INTAKE_FILE,
            sample::A_SESSION_FILE,
            sample::A_FORM_FILE,
            sample::B_INTAKE_FILE,
            sample::B_SESSION_FILE,
            sample::INDEX_FILE,
            sample::JOINT_FILE,
            sample::RECEIPT_FILE,
            "kluis-export/receipt.cose",
        ]
    );
}

#[test]
fn joint_note_heading_names_note() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let (export, file) = couple.export(&["--for", sample::A], &key, "export-a.age");
    export.expect_code(0);
    let joint = age_decrypt(&key.identity, &file).text(sample::JOINT_FILE);
    assert_eq!(
        joint.lines().next(),
        Some("# K-2026-017, note 1: session of 2026-04-13")
    );
}

// ---------------------------------------------------------------------------
// Bad input: exit codes, errors and hints

#[test]
fn wrong_passphrase_exits_3() {
    let couple = TestVault::sample_couple(ENGLISH);
    let output = run_command(kluis(&couple.path, ENGLISH, Some("verkeerde wachtwoordzin")).arg("list"));
    output.expect_error(
        EXIT_LOCKED_OUT,
        "error: the passphrase is wrong",
        "hint: Check the passphrase and try again. If it is lost, set a new one with kluis recover and the recovery key.",
    );
    assert_eq!(output.stdout, "");
}

#[test]
fn missing_passphrase_exits_3() {
    let couple = TestVault::sample_couple(ENGLISH);

    // Standard input and standard error are pipes, so kluis cannot prompt.
    let output = run_command(kluis(&couple.path, ENGLISH, None).arg("list"));
    output.expect_error(
        EXIT_LOCKED_OUT,
        "error: no passphrase: there is no terminal to ask for it",
        "hint: Set KLUIS_PASSPHRASE or use --passphrase-file FILE.",
    );

    // The passphrase file works instead.
    let file = couple.write_file("passphrase.txt", format!("{PASSPHRASE}\n"));
    let output = run_command(kluis(&couple.path, ENGLISH, None).args([
        "--passphrase-file",
        file.to_str().unwrap(),
        "list",
    ]));
    output.expect_code(0);
    assert_eq!(output.stdout_lines().len(), 3, "list: {}", output.stdout);
}

#[test]
fn unknown_dossier_exits_4() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple.run(&["show", "2026-999"]).expect_error(
        EXIT_NOT_FOUND,
        "error: there is no dossier 2026-999",
        "hint: kluis list shows the registration numbers.",
    );
}

#[test]
fn unknown_consent_exits_4() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple
        .run(&["consent", "withdraw", "deadbeef", "--not-in-writing"])
        .expect_error(
            EXIT_NOT_FOUND,
            "error: there is no consent deadbeef",
            "hint: kluis consent list shows the consents with their identifiers.",
        );
}

#[test]
fn missing_vault_exits_4() {
    let english = TestVault::uninitialized(ENGLISH);
    let path = english.path.display().to_string();
    english.run(&["list"]).expect_error(
        EXIT_NOT_FOUND,
        &format!("error: there is no vault in {path}"),
        "hint: Create one with kluis init, or point to it with --vault DIR or KLUIS_VAULT.",
    );

    let dutch = TestVault::uninitialized(DUTCH);
    let path = dutch.path.display().to_string();
    dutch.run(&["list"]).expect_error(
        EXIT_NOT_FOUND,
        &format!("fout: er is geen kluis in {path}"),
        "tip: Maak er een aan met kluis init, of geef de map op met --vault DIR of KLUIS_VAULT.",
    );
}

#[test]
fn corrupted_attachment_exits_5() {
    let couple = TestVault::sample_couple(ENGLISH);

    // The largest object is the content of the consent form scan.
    flip_middle_byte(&largest_file(&couple.path.join("objects")));
    let output_file = couple.file("form.pdf");
    let output = couple.run(&[
        "show",
        sample::A,
        "--attachment",
        "1",
        "-o",
        output_file.to_str().unwrap(),
    ]);
    output.expect_code(EXIT_DAMAGED);
    let lines = output.stderr_lines();
    assert!(
        lines[0].starts_with("error: the vault is damaged: "),
        "stderr: {}",
        output.stderr
    );
    assert_eq!(lines[1..], [HINT_DAMAGED]);
    assert!(!output_file.exists(), "no output from a damaged attachment");
}

#[test]
fn corrupted_attachment_names_object() {
    let couple = TestVault::sample_couple(ENGLISH);
    let object = largest_file(&couple.path.join("objects"));
    flip_middle_byte(&object);
    let object_name = object.strip_prefix(&couple.path).unwrap().display().to_string();
    let output_file = couple.file("form.pdf");
    couple
        .run(&[
            "show",
            sample::A,
            "--attachment",
            "1",
            "-o",
            output_file.to_str().unwrap(),
        ])
        .expect_error(
            EXIT_DAMAGED,
            &format!(
                "error: the vault is damaged: an attachment in the dossier 2026-041 was changed outside kluis ({object_name})"
            ),
            HINT_DAMAGED,
        );
}

#[test]
fn corrupted_objects_exit_5() {
    let couple = TestVault::sample_couple(ENGLISH);
    for object in couple.object_files() {
        flip_middle_byte(&object);
    }
    let output = couple.run(&["list"]);
    output.expect_code(EXIT_DAMAGED);
    let lines = output.stderr_lines();
    assert_eq!(lines.len(), 2, "stderr: {}", output.stderr);
    assert!(
        lines[0].starts_with("error: the vault is damaged: objects/")
            && lines[0].ends_with(" was changed outside kluis"),
        "stderr: {}",
        output.stderr
    );
    assert_eq!(lines[1], HINT_DAMAGED);
    assert_eq!(output.stdout, "");
}

#[test]
fn truncated_journal_entry_exits_5() {
    let couple = TestVault::sample_couple(ENGLISH);
    let entry = couple.path.join("journal/000000000002");
    let length = fs::metadata(&entry).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&entry)
        .unwrap()
        .set_len(length / 2)
        .unwrap();

    let output = couple.run(&["list"]);
    output.expect_code(EXIT_DAMAGED);
    let lines = output.stderr_lines();
    assert_eq!(lines.len(), 2, "stderr: {}", output.stderr);
    assert!(
        lines[0].starts_with("error: the vault is damaged: the journal is broken at entry 2: "),
        "stderr: {}",
        output.stderr
    );
    assert_eq!(lines[1], HINT_DAMAGED);
}

#[test]
fn deleted_head_exits_5() {
    let couple = TestVault::sample_couple(ENGLISH);
    fs::remove_file(couple.path.join("HEAD")).unwrap();
    couple.run(&["list"]).expect_error(
        EXIT_DAMAGED,
        "error: the vault is damaged: HEAD is missing",
        HINT_DAMAGED,
    );
}

#[test]
fn export_to_existing_file_refused() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let existing = couple.write_file("export.age", b"earlier export, keep me");
    let journal_before = couple.journal_len();

    let (output, file) = couple.export(&["--for", sample::A], &key, "export.age");
    output.expect_error(
        EXIT_REFUSED,
        &format!(
            "error: {} already exists, and kluis never overwrites a file",
            existing.display()
        ),
        "hint: Choose another file name, or remove the file first.",
    );
    assert_eq!(fs::read(&file).unwrap(), b"earlier export, keep me");
    assert_eq!(couple.journal_len(), journal_before, "no disclosure journaled");
}

#[test]
fn attachment_written_to_new_file_only() {
    let couple = TestVault::sample_couple(ENGLISH);
    let copy = couple.file("form.pdf");

    // Standard output in these tests is a pipe, never a terminal, so the
    // refusal to write a binary attachment to a terminal cannot be run here.
    // The attachment goes to a new file with -o instead.
    couple.ok(&[
        "show",
        sample::A,
        "--attachment",
        "1",
        "-o",
        copy.to_str().unwrap(),
    ]);
    let original = fs::read(sample_file("toestemmingsformulier-a.pdf")).unwrap();
    assert_eq!(fs::read(&copy).unwrap(), original);
    assert_eq!(mode(&copy), 0o600);

    fs::write(&copy, b"edited copy").unwrap();
    couple
        .run(&[
            "show",
            sample::A,
            "--attachment",
            "1",
            "-o",
            copy.to_str().unwrap(),
        ])
        .expect_error(
            EXIT_REFUSED,
            &format!(
                "error: {} already exists, and kluis never overwrites a file",
                copy.display()
            ),
            "hint: Choose another file name, or remove the file first.",
        );
    assert_eq!(fs::read(&copy).unwrap(), b"edited copy");
}

#[test]
fn export_without_yes_refused() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let file = couple.file("export.age");
    let journal_before = couple.journal_len();

    let output = couple.run(&[
        "export",
        "--for",
        sample::A,
        "--recipient",
        &key.recipient,
        "-o",
        file.to_str().unwrap(),
    ]);
    output.expect_code(EXIT_REFUSED);
    output.expect_stderr_line("Export for Anouk Hendriks-van Dam (2026-041)");
    let lines = output.stderr_lines();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "error: the export was not confirmed, so nothing was written",
            "hint: Answer yes at the question, or add --yes in a script.",
        ]
    );
    assert!(!file.exists());
    assert_eq!(couple.journal_len(), journal_before, "no disclosure journaled");
}

#[test]
fn weak_passphrase_rejected() {
    let hint = "hint: Use a sentence of four or more words that nobody would guess.";
    let cases = [
        (
            "kort",
            "error: the passphrase is too weak: it needs at least 12 characters",
        ),
        (
            "aaaaaabbbbbbaaaa",
            "error: the passphrase is too weak: it needs at least 6 different characters",
        ),
    ];
    for (passphrase, error) in cases {
        let vault = TestVault::uninitialized(ENGLISH);
        run_command(kluis(&vault.path, ENGLISH, Some(passphrase)).arg("init")).expect_error(
            EXIT_INVALID_INPUT,
            error,
            hint,
        );
        assert!(!vault.path.exists(), "no vault folder after a weak passphrase");
    }
}

#[test]
fn non_utf8_note_rejected() {
    let couple = TestVault::sample_couple(ENGLISH);
    let journal_before = couple.journal_len();
    let objects_before = couple.object_files().len();
    let hint =
        "hint: Save the text as UTF-8 in your editor, or store the file as an attachment with kluis attach.";

    let latin1 = couple.write_file("latin1.txt", b"Cli\xebnt vertelt over haar vader.\n");
    couple
        .run(&[
            "note",
            "add",
            sample::A,
            "--kind",
            "session",
            "--file",
            latin1.to_str().unwrap(),
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            &format!("error: {} is not UTF-8 text", latin1.display()),
            hint,
        );
    couple
        .run_with_stdin(
            &["note", "add", sample::A, "--kind", "session"],
            &b"Cli\xebnt\n"[..],
        )
        .expect_error(EXIT_INVALID_INPUT, "error: the note is not UTF-8 text", hint);

    assert_eq!(couple.journal_len(), journal_before, "nothing journaled");
    assert_eq!(couple.object_files().len(), objects_before, "nothing stored");
}

#[test]
fn non_utf8_stdin_note_names_note() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple
        .run_with_stdin(
            &["note", "add", sample::A, "--kind", "session", "--file", "-"],
            &b"Cli\xebnt\n"[..],
        )
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: the note is not UTF-8 text",
            "hint: Save the text as UTF-8 in your editor, or store the file as an attachment with kluis attach.",
        );
}

#[test]
fn untagged_joint_paragraph_rejected() {
    let couple = TestVault::sample_couple(ENGLISH);
    let journal_before = couple.journal_len();
    let note = couple.write_file(
        "gezamenlijk.md",
        "[A+B] Beide partners aanwezig.\n\nZonder label over wie deze alinea gaat.\n",
    );

    couple
        .run(&["note", "add", sample::COUPLE, "--kind", "session", "--file", note.to_str().unwrap()])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: paragraph 2 of the joint note does not start with [A], [B] or [A+B]",
            "hint: In a couple record every paragraph says whom it is about, so that it can be shared correctly. Separate paragraphs with a blank line.",
        );
    assert_eq!(couple.journal_len(), journal_before, "nothing journaled");
}

#[test]
fn invalid_date_rejected() {
    // Dates are checked before the vault is opened, so no vault is needed.
    let vault = TestVault::uninitialized(ENGLISH);
    let hint = "hint: Write dates as YYYY-MM-DD, for example 2026-03-02.";
    for date in ["2026-02-30", "02-03-2026", "2026-3-2"] {
        vault
            .run(&[
                "person",
                "add",
                "--registration",
                "2026-050",
                "--name",
                "Test",
                "--start",
                date,
            ])
            .expect_error(
                EXIT_INVALID_INPUT,
                &format!("error: {date} is not a valid date"),
                hint,
            );
    }
    vault
        .run(&["note", "add", sample::A, "--kind", "intake", "--date", "maandag"])
        .expect_error(EXIT_INVALID_INPUT, "error: maandag is not a valid date", hint);
}

#[test]
fn invalid_recipient_rejected() {
    let vault = TestVault::uninitialized(ENGLISH);
    let file = vault.file("export.age");
    let hint = "hint: Use a key that starts with age1, ssh-ed25519 or ssh-rsa, or use --passphrase.";
    for recipient in ["age1notakey", "ssh-dss AAAAB3NzaC1kc3MAAACBAP"] {
        vault
            .run(&[
                "export",
                "--for",
                sample::A,
                "--recipient",
                recipient,
                "-o",
                file.to_str().unwrap(),
                "--yes",
            ])
            .expect_error(
                EXIT_INVALID_INPUT,
                &format!("error: {recipient} is not an age recipient or SSH public key"),
                hint,
            );
    }
    assert!(!file.exists());
}

#[test]
fn second_writer_locked_out() {
    let couple = TestVault::sample_couple(ENGLISH);
    let journal_before = couple.journal_len();
    let lock = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(couple.path.join("lock"))
        .expect("open lock file");
    lock.try_lock().expect("the test takes the writer's lock");

    couple
        .run(&[
            "person",
            "add",
            "--registration",
            "2026-050",
            "--name",
            "Test",
            "--start",
            "2026-03-02",
        ])
        .expect_error(
            EXIT_BUSY,
            "error: another kluis program is changing this vault right now",
            "hint: Wait until it has finished and try again.",
        );
    assert_eq!(couple.journal_len(), journal_before, "nothing journaled");
    drop(lock);
}

#[test]
fn duplicate_registration_rejected() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple
        .run(&[
            "person",
            "add",
            "--registration",
            sample::A,
            "--name",
            "Iemand Anders",
            "--start",
            "2026-03-02",
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: registration number 2026-041 is already in use",
            "hint: Each dossier and couple record needs its own number.",
        );
}

#[test]
fn init_into_non_empty_folder_refused() {
    let vault = TestVault::uninitialized(ENGLISH);
    // The folder and its file are the test's, made with the usual modes.
    vault.skip_mode_check();
    fs::create_dir(&vault.path).unwrap();
    let notes = vault.path.join("aantekeningen.txt");
    fs::write(&notes, b"bestaand bestand").unwrap();

    vault.run(&["init"]).expect_error(
        EXIT_REFUSED,
        &format!(
            "error: {} is not empty; kluis init creates a vault only in a new or empty folder",
            vault.path.display()
        ),
        "hint: Choose another folder with --vault DIR.",
    );
    assert_eq!(fs::read(&notes).unwrap(), b"bestaand bestand");
    assert_eq!(fs::read_dir(&vault.path).unwrap().count(), 1, "nothing added");
}

#[test]
fn usage_errors_localized() {
    // No vault is opened for command-line errors.
    let vault = TestVault::uninitialized(ENGLISH);
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["frobnicate"],
            "error: unknown command: frobnicate",
            "fout: onbekende opdracht: frobnicate",
        ),
        (
            &["person", "add", "--name", "X"],
            "error: a required argument is missing: --registration <NUMBER>, --start <DATE>",
            "fout: een verplicht argument ontbreekt: --registration <NUMBER>, --start <DATE>",
        ),
        (
            &["note", "add", sample::A, "--kind", "poem"],
            "error: invalid value poem for --kind <KIND>",
            "fout: ongeldige waarde poem voor --kind <KIND>",
        ),
        (
            &[
                "export",
                "--for",
                sample::A,
                "--third-party",
                "x",
                "--role",
                "y",
                "-o",
                "f",
            ],
            "error: --for <DOSSIER> cannot be used together with --third-party <NAME>",
            "fout: --for <DOSSIER> kan niet samen met --third-party <NAME> worden gebruikt",
        ),
        (
            &["list", "extra"],
            "error: unknown argument: extra",
            "fout: onbekend argument: extra",
        ),
    ];
    for (args, english, dutch) in cases {
        run_command(kluis(&vault.path, ENGLISH, None).args(args)).expect_error(
            EXIT_USAGE,
            english,
            HINT_USAGE_EN,
        );
        run_command(kluis(&vault.path, DUTCH, None).args(args)).expect_error(
            EXIT_USAGE,
            dutch,
            HINT_USAGE_NL,
        );
    }

    // --lang and KLUIS_LANG win over the locale.
    run_command(kluis(&vault.path, ENGLISH, None).args(["--lang", "nl", "frobnicate"])).expect_error(
        EXIT_USAGE,
        "fout: onbekende opdracht: frobnicate",
        HINT_USAGE_NL,
    );
    run_command(kluis(&vault.path, DUTCH, None).args(["--lang=en", "frobnicate"])).expect_error(
        EXIT_USAGE,
        "error: unknown command: frobnicate",
        HINT_USAGE_EN,
    );
    run_command(
        kluis(&vault.path, ENGLISH, None)
            .env("KLUIS_LANG", "nl")
            .arg("frobnicate"),
    )
    .expect_error(EXIT_USAGE, "fout: onbekende opdracht: frobnicate", HINT_USAGE_NL);

    // A missing command is an error too.
    run_command(&mut kluis(&vault.path, ENGLISH, None)).expect_error(
        EXIT_USAGE,
        "error: no command given",
        HINT_USAGE_EN,
    );
    run_command(&mut kluis(&vault.path, DUTCH, None)).expect_error(
        EXIT_USAGE,
        "fout: geen opdracht opgegeven",
        HINT_USAGE_NL,
    );
}

#[test]
fn show_into_closed_pipe_without_panic() {
    let couple = TestVault::sample_couple(ENGLISH);
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("kluis"))
        .args(["show", sample::A, "--note", "1"])
        .env("KLUIS_VAULT", &couple.path)
        .env("KLUIS_PASSPHRASE", PASSPHRASE)
        .env("LANG", ENGLISH)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kluis starts");
    // Closing the read end before kluis writes, as `kluis show … | head -0` does.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("kluis finishes");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert_ne!(output.status.code(), Some(101), "stderr: {stderr}");
}

// ---------------------------------------------------------------------------
// Full disk

/// Unmounts a file system when dropped.
struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let status = StdCommand::new("umount").arg(&self.0).status();
        if !status.is_ok_and(|status| status.success()) {
            eprintln!("could not unmount {}", self.0.display());
        }
    }
}

fn effective_user_id() -> u32 {
    let output = StdCommand::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("id -u prints a number")
}

#[test]
fn full_disk_reported_and_vault_intact() {
    let user = effective_user_id();
    if user != 0 {
        println!("skipped full_disk_reported_and_vault_intact: mounting a small tmpfs needs root, and this runs as uid {user}");
        return;
    }
    let mut vault = TestVault::uninitialized(ENGLISH);
    let disk = vault.file("small-disk");
    fs::create_dir(&disk).unwrap();
    let mount = StdCommand::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs"])
        .arg(&disk)
        .output()
        .expect("mount runs");
    assert!(
        mount.status.success(),
        "mount -t tmpfs failed as root: {}",
        String::from_utf8_lossy(&mount.stderr)
    );
    let _unmount = Unmount(disk.clone());

    vault.path = disk.join("vault");
    vault.ok(&["init"]);
    vault.ok(&[
        "person",
        "add",
        "--registration",
        sample::A,
        "--name",
        sample::A_NAME,
        "--start",
        sample::START,
    ]);
    let journal_before = vault.journal_len();

    // Fill the disk, then free 64 KiB: less than the attachment needs.
    let filler_path = disk.join("filler");
    let mut filler = fs::File::create(&filler_path).unwrap();
    let chunk = vec![0x5au8; 64 * 1024];
    loop {
        match std::io::Write::write_all(&mut filler, &chunk) {
            Ok(()) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::StorageFull => break,
            Err(err) => panic!("filling the tmpfs failed: {err}"),
        }
    }
    let filled = filler.metadata().unwrap().len();
    filler.set_len(filled.saturating_sub(64 * 1024)).unwrap();
    drop(filler);

    let big = vault.write_file("big-scan.pdf", vec![0xa5u8; 512 * 1024]);
    let output = vault.run(&["attach", sample::A, big.to_str().unwrap()]);
    output.expect_code(EXIT_IO);
    let lines = output.stderr_lines();
    assert_eq!(lines.len(), 2, "stderr: {}", output.stderr);
    assert!(
        lines[0].starts_with("error: the disk is full while writing ")
            && lines[0].ends_with("; nothing was changed"),
        "stderr: {}",
        output.stderr
    );
    assert_eq!(lines[1], "hint: Free up space and try again.");

    // The vault still opens and has no half-written files.
    let list = vault.ok(&["list"]);
    assert!(list.stdout.contains("attachments: 0"), "list: {}", list.stdout);
    assert_eq!(vault.journal_len(), journal_before);
    let leftovers: Vec<PathBuf> = walk_files(&vault.path)
        .into_iter()
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "leftover temporary files: {leftovers:?}");
}

// ---------------------------------------------------------------------------
// Nothing readable on disk

/// Distinctive values, one per field a counsellor can fill in.
struct Canaries {
    name: &'static str,
    partner_name: &'static str,
    registration: &'static str,
    partner_registration: &'static str,
    couple_registration: &'static str,
    email: &'static str,
    phone: &'static str,
    address: &'static str,
    note: &'static str,
    joint_note: &'static str,
    attachment_content: &'static str,
    attachment_file_name: &'static str,
    attachment_label: &'static str,
    form_file_name: &'static str,
    purpose: &'static str,
    third_party_name: &'static str,
    third_party_role: &'static str,
}

const CANARIES: Canaries = Canaries {
    name: "Qorvath Kanarievogel",
    partner_name: "Zelmira Vinkenslag",
    registration: "KNR-7Q4X91",
    partner_registration: "KNR-8W5Y27",
    couple_registration: "KNK-9E6Z33",
    email: "qorvath.kanarie@vogelkooi.example",
    phone: "06-13572468",
    address: "Kanarieweg 77, Vogelenzang",
    note: "Vertrouwelijke kanarienotitie 4711",
    joint_note: "Gezamenlijke kanariealinea 815",
    attachment_content: "Inhoud van de kanariebijlage 2718",
    attachment_file_name: "kanariebestandsnaam-3141.txt",
    attachment_label: "Kanarielabel 1618",
    form_file_name: "kanarieformulier-2236.pdf",
    purpose: "Kanariedoel voor de verstrekking 1414",
    third_party_name: "Dr. Kanarie Derdepartij",
    third_party_role: "Kanarierol 5577",
};

impl Canaries {
    fn all(&self) -> Vec<&'static str> {
        vec![
            self.name,
            self.partner_name,
            self.registration,
            self.partner_registration,
            self.couple_registration,
            self.email,
            self.phone,
            self.address,
            self.note,
            self.joint_note,
            self.attachment_content,
            self.attachment_file_name,
            self.attachment_label,
            self.form_file_name,
            self.purpose,
            self.third_party_name,
            self.third_party_role,
            PASSPHRASE,
        ]
    }
}

/// Lists every canary, in its original, lowercase or uppercase form, found
/// in the names or contents of `files`.
fn find_canaries(files: &[PathBuf], canaries: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let Ok(bytes) = fs::read(file) else {
            continue;
        };
        let name = file.display().to_string();
        for canary in canaries {
            let mut variants = vec![canary.to_string(), canary.to_lowercase(), canary.to_uppercase()];
            variants.sort();
            variants.dedup();
            for variant in variants {
                let needle = variant.as_bytes();
                if name.contains(&variant) {
                    found.push(format!("{variant:?} in the path {name}"));
                }
                if bytes.windows(needle.len()).any(|window| window == needle) {
                    found.push(format!("{variant:?} in the content of {name}"));
                }
            }
        }
    }
    found
}

/// Returns the files below entries of `folder` whose name contains `kluis-`
/// and that changed at or after `since`.
fn recent_kluis_files(folder: &Path, since: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let recent = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .is_ok_and(|modified| modified >= since);
        if name.contains("kluis-") && recent {
            if entry.path().is_dir() {
                files.extend(walk_files(&entry.path()));
            } else {
                files.push(entry.path());
            }
        }
    }
    files
}

#[test]
fn canaries_never_stored_in_plaintext() {
    let started = SystemTime::now() - std::time::Duration::from_secs(1);
    let c = &CANARIES;
    let vault = TestVault::uninitialized(ENGLISH);
    let inputs = vault.file("inputs");
    let outputs = vault.file("outputs");
    fs::create_dir(&inputs).unwrap();
    fs::create_dir(&outputs).unwrap();
    let input = |name: &str, contents: &[u8]| {
        let path = inputs.join(name);
        fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_string()
    };
    let output = |name: &str| outputs.join(name).to_str().unwrap().to_string();

    // Every command once, with a canary in every field.
    vault.ok(&["init", "--recovery-key-file", &output("recovery-key.txt")]);
    vault.ok(&[
        "person",
        "add",
        "--registration",
        c.registration,
        "--name",
        c.name,
        "--email",
        c.email,
        "--phone",
        c.phone,
        "--address",
        c.address,
        "--start",
        "2026-03-02",
    ]);
    vault.ok(&[
        "person",
        "add",
        "--registration",
        c.partner_registration,
        "--name",
        c.partner_name,
        "--start",
        "2026-03-02",
    ]);
    vault.ok(&[
        "couple",
        "add",
        "--registration",
        c.couple_registration,
        "--partner-a",
        c.registration,
        "--partner-b",
        c.partner_registration,
        "--start",
        "2026-03-02",
    ]);
    let note = input("notitie.md", format!("{}\n", c.note).as_bytes());
    vault.ok(&[
        "note",
        "add",
        c.registration,
        "--kind",
        "session",
        "--date",
        "2026-03-16",
        "--file",
        &note,
    ]);
    vault
        .run_with_stdin(
            &[
                "note",
                "add",
                c.couple_registration,
                "--kind",
                "session",
                "--date",
                "2026-04-13",
            ],
            format!("[A+B] {}\n\n[A] {}\n", c.joint_note, c.note),
        )
        .expect_code(0);
    vault.ok(&[
        "note",
        "add",
        c.registration,
        "--kind",
        "working",
        "--file",
        &note,
    ]);
    let attachment = input(c.attachment_file_name, c.attachment_content.as_bytes());
    vault.ok(&[
        "attach",
        c.registration,
        &attachment,
        "--label",
        c.attachment_label,
    ]);
    let form = input(c.form_file_name, c.attachment_content.as_bytes());
    let partner_consent = vault
        .ok(&[
            "consent",
            "record",
            "--grantor",
            c.registration,
            "--to",
            c.partner_registration,
            "--form",
            &form,
            "--after-end",
            "--purpose",
            c.purpose,
        ])
        .consent_id();
    vault.ok(&[
        "consent",
        "record",
        "--grantor",
        c.registration,
        "--third-party",
        c.third_party_name,
        "--role",
        c.third_party_role,
        "--form",
        &form,
        "--purpose",
        c.purpose,
    ]);
    vault.ok(&["list"]);
    vault.ok(&["show", c.registration]);
    vault.ok(&["show", c.couple_registration, "--note", "1"]);
    vault.ok(&[
        "show",
        c.registration,
        "--attachment",
        "1",
        "-o",
        &output("attachment.txt"),
    ]);
    vault.ok(&["consent", "list"]);
    let key = AgeKey::generate(vault.folder());
    vault.ok(&[
        "export",
        "--for",
        c.partner_registration,
        "--about",
        c.registration,
        "--recipient",
        &key.recipient,
        "-o",
        &output("partner.age"),
        "--yes",
    ]);
    vault.ok(&[
        "export",
        "--third-party",
        c.third_party_name,
        "--role",
        c.third_party_role,
        "--about",
        c.registration,
        "--about",
        c.couple_registration,
        "--recipient",
        &key.recipient,
        "-o",
        &output("third-party.age"),
        "--yes",
    ]);
    let confirmation = inputs.join("bevestiging.txt");
    fs::write(
        &confirmation,
        format!("Ik bevestig mijn toestemming, {}.", c.name),
    )
    .unwrap();
    vault.ok(&[
        "consent",
        "reverify",
        &partner_consent,
        "--form",
        confirmation.to_str().unwrap(),
    ]);
    vault.ok(&["consent", "overview", c.couple_registration]);
    vault.ok(&["consent", "withdraw", &partner_consent, "--not-in-writing"]);
    vault.ok(&["end", c.registration, "--date", "2026-10-30"]);
    vault.ok(&[
        "export",
        "--for",
        c.partner_registration,
        "--about",
        c.registration,
        "--dry-run",
    ]);

    // The outputs are the counsellor's own files, but must be private too.
    for name in [
        "recovery-key.txt",
        "attachment.txt",
        "partner.age",
        "third-party.age",
    ] {
        assert_eq!(mode(&outputs.join(name)), 0o600, "mode of {name}");
    }

    // No canary in the vault, nor in kluis files in the temporary folders.
    let mut files = walk_files(&vault.path);
    let mut temporary_folders = vec![std::env::temp_dir(), PathBuf::from("/dev/shm")];
    temporary_folders.extend(std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from));
    for folder in &temporary_folders {
        files.extend(recent_kluis_files(folder, started));
    }
    let found = find_canaries(&files, &c.all());
    assert!(found.is_empty(), "plaintext found:\n{}", found.join("\n"));

    // The search itself works: the plaintext inputs and the attachment
    // written with -o do contain canaries.
    let note_found = find_canaries(&[inputs.join("notitie.md")], &[c.note]);
    assert!(!note_found.is_empty(), "the note input holds the note canary");
    let name_found = find_canaries(&[inputs.join(c.attachment_file_name)], &[c.attachment_file_name]);
    assert!(
        !name_found.is_empty(),
        "the attachment input is named with its canary"
    );
    let output_found = find_canaries(&[outputs.join("attachment.txt")], &[c.attachment_content]);
    assert!(
        !output_found.is_empty(),
        "the attachment written with -o holds its content"
    );

    // Owner-only modes: folders 0700, files 0600, the lock file included.
    for entry in walkdir::WalkDir::new(&vault.path) {
        let entry = entry.unwrap();
        let expected = if entry.file_type().is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(entry.path()), expected, "mode of {}", entry.path().display());
    }
    assert_eq!(mode(&vault.path.join("lock")), 0o600);
}

#[test]
fn plaintext_scan_finds_planted_canaries() {
    let vault = TestVault::single_client(ENGLISH);
    assert!(
        vault.plaintext_findings().is_empty(),
        "a fresh copy of the template is clean: {:?}",
        vault.plaintext_findings()
    );

    // A name in an object file, a note line in a file kluis might leave in
    // its temporary folder, and a leftover staging folder beside the vault.
    let object = vault.path.join("objects").join("planted");
    fs::write(&object, format!("cbor {} cbor", sample::A_NAME)).unwrap();
    fs::set_permissions(&object, fs::Permissions::from_mode(0o600)).unwrap();
    let temporary = vault.temporary_folder().join("note.md");
    fs::write(&temporary, format!("{}\n", sample::A_INTAKE_TEXT.to_uppercase())).unwrap();
    let leftover = vault.folder().join(".kluis-open-planted");
    fs::create_dir(&leftover).unwrap();
    fs::write(leftover.join("note.md"), sample::A).unwrap();
    let findings = vault.plaintext_findings();
    let reported = |path: &Path| {
        findings
            .iter()
            .any(|finding| finding.ends_with(&format!("in the content of {}", path.display())))
    };
    assert!(reported(&object), "findings: {findings:?}");
    assert!(
        reported(&temporary),
        "uppercase is found too; findings: {findings:?}"
    );
    assert!(reported(&leftover.join("note.md")), "findings: {findings:?}");
    fs::remove_file(&object).unwrap();
    fs::remove_file(&temporary).unwrap();
    fs::remove_dir_all(&leftover).unwrap();

    // A file the test names is its own input or output and not scanned.
    vault.write_file("input.md", sample::A_NAME);
    assert!(
        vault.plaintext_findings().is_empty(),
        "{:?}",
        vault.plaintext_findings()
    );

    // A vault file that others can read is reported.
    let header = vault.path.join("kluis.cbor");
    fs::set_permissions(&header, fs::Permissions::from_mode(0o644)).unwrap();
    let findings = vault.plaintext_findings();
    assert_eq!(
        findings,
        [format!("mode 0644 of {}, expected 0600", header.display())]
    );
    fs::set_permissions(&header, fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn missing_input_file_exits_4() {
    let vault = TestVault::single_client(ENGLISH);
    let missing = vault.file("nowhere.pdf");
    vault
        .run(&["attach", sample::A, missing.to_str().unwrap()])
        .expect_error(
            EXIT_NOT_FOUND,
            &format!("error: the file {} does not exist", missing.display()),
            "hint: Check the file name and folder; ls shows what is there.",
        );
    vault
        .run(&["attach", sample::A, vault.folder().to_str().unwrap()])
        .expect_error(
            EXIT_INVALID_INPUT,
            &format!("error: {} is a folder, not a file", vault.folder().display()),
            "hint: Check the file name and folder; ls shows what is there.",
        );
}

#[test]
fn secret_key_recipient_not_echoed() {
    let vault = TestVault::single_client(ENGLISH);
    let file = vault.file("export.age");
    let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    let run = vault.run(&[
        "export",
        "--for",
        sample::A,
        "--recipient",
        secret,
        "-o",
        file.to_str().unwrap(),
        "--yes",
    ]);
    run.expect_error(
        EXIT_INVALID_INPUT,
        "error: this is a secret key, not the recipient's public key; it was not used or shown",
        "hint: Keep the secret key private. Its public key is what age-keygen -y prints for it, and starts with age1.",
    );
    assert!(!file.exists());
}

#[test]
fn missing_header_reported_as_damage() {
    let vault = TestVault::single_client(ENGLISH);
    fs::remove_file(vault.path.join("kluis.cbor")).unwrap();
    vault.run(&["list"]).expect_error(
        EXIT_DAMAGED,
        "error: the vault is damaged: kluis.cbor is missing",
        HINT_DAMAGED,
    );
}

#[test]
fn consent_to_self_rejected() {
    let couple = TestVault::sample_couple(ENGLISH);
    let form = couple.write_file("form.pdf", b"%PDF-1.4 scan");
    couple
        .run(&[
            "consent", "record", "--grantor", sample::A, "--to", sample::A, "--form",
            form.to_str().unwrap(), "--purpose", "inzage",
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: a consent cannot name its own grantor as recipient: own data goes to a client without consent",
            "hint: Name the partner with --to, or a third party with --third-party and --role.",
        );
}

#[test]
fn empty_registration_rejected() {
    let vault = TestVault::single_client(ENGLISH);
    vault
        .run(&[
            "person",
            "add",
            "--registration",
            " ",
            "--name",
            "X",
            "--start",
            "2026-01-05",
        ])
        .expect_code(EXIT_INVALID_INPUT)
        .expect_stderr_line("error: the registration number is empty");
}

#[test]
fn r5_reverification_after_end() {
    let couple = TestVault::sample_couple(ENGLISH);
    let form = sample_file("toestemmingsformulier-a.pdf");

    // B signed during the counselling, with --after-end; the counselling then ended.
    let recorded = couple.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--form",
        form.to_str().unwrap(),
        "--after-end",
        "--from",
        "2026-03-23",
        "--signed-on",
        "2026-03-23",
        "--purpose",
        "Inzage",
    ]);
    let consent_b = recorded.consent_id();
    couple.ok(&["end", sample::B, "--date", "2026-10-30"]);

    // A request after the end finds only a consent from before the end: R5 withholds.
    let before = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap())
        .date();
    before.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R5: the request dated {today} came after the counselling of Bastiaan Hendriks (2026-042) ended, and consent {consent_b}, given before the end, has not been confirmed again since the request]"
    ));
    let listed = couple.ok(&["consent", "list", sample::B]);
    assert!(
        listed
            .stdout
            .contains("[needs re-verification for requests after the end of the counselling]"),
        "consent list: {}",
        listed.stdout
    );

    // A written re-verification makes it count again.
    let confirmation = couple.write_file("herbevestiging.txt", "Ik bevestig mijn toestemming. B.");
    let reverified = couple.ok(&[
        "consent",
        "reverify",
        &consent_b,
        "--form",
        confirmation.to_str().unwrap(),
    ]);
    assert_eq!(
        reverified.stderr_lines(),
        [format!(
            "Consent {consent_b} re-verified. It counts again for requests made up to now."
        )]
    );
    let after = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    after.expect_stderr_line("  + 2026-042, note 1: intake of 2026-03-02 [R2]");
}

#[test]
fn future_request_date_rejected() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple
        .run(&[
            "export",
            "--for",
            sample::A,
            "--requested-on",
            "2999-01-01",
            "--dry-run",
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: the date 2999-01-01 is in the future",
            "hint: Give the day the request was actually made.",
        );
}

#[test]
fn consent_overview_per_direction() {
    let couple = TestVault::sample_couple(ENGLISH);
    let overview = couple.ok(&["consent", "overview", "K-2026-017"]);
    let lines: Vec<&str> = overview.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Consents for couple record K-2026-017 on "),
        "{lines:#?}"
    );
    assert_eq!(
        lines[1],
        "Anouk Hendriks-van Dam (2026-041) → Bastiaan Hendriks (2026-042):"
    );
    assert!(
        lines[2].starts_with("  intake, session notes, reports, attachments, joint-session paragraphs: may go out under consent "),
        "{lines:#?}"
    );
    assert_eq!(
        lines[3],
        "Bastiaan Hendriks (2026-042) → Anouk Hendriks-van Dam (2026-041):"
    );
    assert_eq!(
        lines[4],
        "  intake, session notes, reports, attachments, joint-session paragraphs: nothing goes out (R2: Bastiaan Hendriks (2026-042) has not consented to this recipient)"
    );
    couple
        .run(&["consent", "overview", sample::A])
        .expect_code(EXIT_INVALID_INPUT)
        .expect_stderr_line("error: 2026-041 is not a couple record");
}

#[test]
fn partner_opens_export_and_checks_receipt() {
    let vault = TestVault::single_client(ENGLISH);
    let counsellor_card = vault.file("counsellor.card");
    vault.ok(&["card", "-o", counsellor_card.to_str().unwrap()]);
    let key = vault.file("anouk.key");
    let card = vault.file("anouk.card");
    let made = vault.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    assert!(
        made.stderr
            .contains("Give the card to your counsellor and compare the fingerprint"),
        "{}",
        made.stderr
    );
    assert_eq!(mode(&key), 0o600);

    let export = vault.file("export.age");
    vault.ok(&[
        "export",
        "--for",
        sample::A,
        "--recipient-file",
        card.to_str().unwrap(),
        "-o",
        export.to_str().unwrap(),
        "--yes",
    ]);

    // A receipt checked against the wrong card is refused, and nothing is unpacked.
    let refused = vault.file("refused");
    vault
        .run(&[
            "partner", "open", export.to_str().unwrap(), "--key", key.to_str().unwrap(),
            "--counsellor-card", card.to_str().unwrap(), "-o", refused.to_str().unwrap(),
        ])
        .expect_error(
            EXIT_DAMAGED,
            "error: the signed receipt is missing, not signed by your counsellor, or does not match the files",
            "hint: Do not trust the contents; ask your counsellor for a new export.",
        );
    assert!(!refused.exists());

    let opened = vault.file("opened");
    let run = vault.ok(&[
        "partner",
        "open",
        export.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--counsellor-card",
        counsellor_card.to_str().unwrap(),
        "-o",
        opened.to_str().unwrap(),
    ]);
    assert!(
        run.stdout.lines().any(|line| line == "kluis-export/RECEIPT.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("and every file matches it (items included: 2, withheld: 0)"),
        "{}",
        run.stderr
    );
    assert!(opened
        .join("kluis-export/2026-041/01-intake-2026-03-02.md")
        .is_file());
    assert_eq!(mode(&opened.join("kluis-export/RECEIPT.md")), 0o600);
}

#[test]
fn altered_key_card_rejected() {
    let vault = TestVault::single_client(ENGLISH);
    let key = vault.file("b.key");
    let card = vault.file("b.card");
    vault.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    let text = fs::read_to_string(&card).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut altered_line: Vec<char> = lines[3].chars().collect();
    altered_line[10] = if altered_line[10] == 'A' { 'B' } else { 'A' };
    let altered_line: String = altered_line.into_iter().collect();
    let altered = text.replacen(lines[3], &altered_line, 1);
    let altered_card = vault.write_file("altered.card", altered);
    vault
        .run(&[
            "export",
            "--for",
            sample::A,
            "--recipient-file",
            altered_card.to_str().unwrap(),
            "-o",
            vault.file("x.age").to_str().unwrap(),
            "--yes",
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: this is not a valid kluis key card, or it was changed",
            "hint: Ask for the card again; it starts with -----BEGIN KLUIS KEY CARD-----.",
        );
}

/// Flips one bit in the middle of the base64 body of an armored kluis file,
/// keeping it valid base64.
fn tamper_armored(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let body_line = lines.len() / 2;
    let mut chars: Vec<char> = lines[body_line].chars().collect();
    let middle = chars.len() / 2;
    chars[middle] = if chars[middle] == 'Q' { 'R' } else { 'Q' };
    let mut out: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    out[body_line] = chars.into_iter().collect();
    out.join("\n") + "\n"
}

#[test]
fn partner_signed_consent_round_trip() {
    let couple = TestVault::sample_couple(ENGLISH);
    let counsellor_card = couple.file("counsellor.card");
    couple.ok(&["card", "-o", counsellor_card.to_str().unwrap()]);
    let key = couple.file("b.key");
    let card = couple.file("b.card");
    couple.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);

    // Without a registered card, no request can be made.
    let request = couple.file("request.kluis");
    let request_args = [
        "consent",
        "request",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--purpose",
        "Inzage",
        "--after-end",
        "-o",
        request.to_str().unwrap(),
    ];
    couple.run(&request_args).expect_code(EXIT_INVALID_INPUT);
    couple.ok(&["person", "card", sample::B, "--card", card.to_str().unwrap()]);
    couple.ok(&request_args);

    let signed = couple.file("consent.kluis");
    let sign = couple.ok(&[
        "partner",
        "sign",
        request.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--counsellor-card",
        counsellor_card.to_str().unwrap(),
        "-o",
        signed.to_str().unwrap(),
        "--yes",
    ]);
    sign.expect_stderr_line("Whose data: Bastiaan Hendriks (2026-042)");
    sign.expect_stderr_line("To whom: Anouk Hendriks-van Dam (2026-041)");

    // A forged copy is refused; the real one is imported once.
    let forged = couple.write_file(
        "forged.kluis",
        tamper_armored(&fs::read_to_string(&signed).unwrap()),
    );
    couple
        .run(&["consent", "import", forged.to_str().unwrap()])
        .expect_code(EXIT_CONSENT);
    let imported = couple.ok(&["consent", "import", signed.to_str().unwrap()]);
    assert!(
        imported.stderr.contains("signed by the client, imported."),
        "{}",
        imported.stderr
    );
    couple
        .run(&["consent", "import", signed.to_str().unwrap()])
        .expect_code(EXIT_CONSENT);

    let plan = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    plan.expect_stderr_line("  + 2026-042, note 1: intake of 2026-03-02 [R2]");

    // The client re-verifies, then withdraws, each signed with their own key.
    let reverification = couple.file("reverification.kluis");
    couple.ok(&[
        "partner",
        "reverify",
        signed.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
        reverification.to_str().unwrap(),
        "--yes",
    ]);
    let imported = couple.ok(&["consent", "import", reverification.to_str().unwrap()]);
    assert!(
        imported.stderr.contains("Re-verification "),
        "{}",
        imported.stderr
    );
    let withdrawal = couple.file("withdrawal.kluis");
    couple.ok(&[
        "partner",
        "withdraw",
        signed.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
        withdrawal.to_str().unwrap(),
        "--yes",
    ]);
    let forged = couple.write_file(
        "forged-withdrawal.kluis",
        tamper_armored(&fs::read_to_string(&withdrawal).unwrap()),
    );
    couple
        .run(&["consent", "import", forged.to_str().unwrap()])
        .expect_code(EXIT_CONSENT);
    couple.ok(&["consent", "import", withdrawal.to_str().unwrap()]);
    couple
        .run(&["consent", "import", withdrawal.to_str().unwrap()])
        .expect_code(EXIT_CONSENT);
    let after = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    assert!(
        after
            .stderr
            .lines()
            .any(|line| line.starts_with("  - 2026-042, note 1: intake of 2026-03-02 [R6:")),
        "{}",
        after.stderr
    );
}

#[test]
fn altered_request_not_signed() {
    let couple = TestVault::sample_couple(ENGLISH);
    let counsellor_card = couple.file("counsellor.card");
    couple.ok(&["card", "-o", counsellor_card.to_str().unwrap()]);
    let key = couple.file("b.key");
    let card = couple.file("b.card");
    couple.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    couple.ok(&["person", "card", sample::B, "--card", card.to_str().unwrap()]);
    let request = couple.file("request.kluis");
    couple.ok(&[
        "consent",
        "request",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--purpose",
        "Inzage",
        "-o",
        request.to_str().unwrap(),
    ]);
    let altered = couple.write_file(
        "altered.kluis",
        tamper_armored(&fs::read_to_string(&request).unwrap()),
    );
    let signed = couple.file("consent.kluis");
    couple
        .run(&[
            "partner", "sign", altered.to_str().unwrap(), "--key", key.to_str().unwrap(), "--counsellor-card",
            counsellor_card.to_str().unwrap(), "-o", signed.to_str().unwrap(), "--yes",
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            "error: this consent request is not valid, not from the counsellor whose card you gave, or was changed",
            "hint: Do not sign it; ask your counsellor for the request again.",
        );
    assert!(!signed.exists());
}

#[test]
fn printable_consent_form_in_dutch() {
    let couple = TestVault::sample_couple(DUTCH);
    let form = couple.file("formulier.md");
    couple.ok(&[
        "consent",
        "form",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--purpose",
        "Inzage na de scheiding",
        "--after-end",
        "--from",
        "2026-12-01",
        "--until",
        "2027-06-30",
        "-o",
        form.to_str().unwrap(),
    ]);
    let text = fs::read_to_string(&form).unwrap();
    assert!(
        text.starts_with("# Toestemming voor het delen van informatie\n"),
        "{text}"
    );
    assert!(
        text.contains("Ik, Bastiaan Hendriks (2026-042), geef de counsellor toestemming"),
        "{text}"
    );
    assert!(text.contains("\nAnouk Hendriks-van Dam (2026-041)\n"), "{text}");
    assert!(
        text.contains("- Geldig: van 2026-12-01 tot en met 2027-06-30\n"),
        "{text}"
    );
    assert!(
        text.contains("- Deze toestemming geldt ook na afronding van de begeleiding.\n"),
        "{text}"
    );
    assert!(
        text.contains("U kunt deze toestemming altijd schriftelijk intrekken"),
        "{text}"
    );
    assert_eq!(mode(&form), 0o600);
}

#[test]
fn r8_single_request_used_once() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let form = sample_file("toestemmingsformulier-a.pdf");
    let recorded = couple.ok(&[
        "consent",
        "record",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--form",
        form.to_str().unwrap(),
        "--single-request",
        "--purpose",
        "Eén verzoek",
    ]);
    let consent_b = recorded.consent_id();

    // Not bound to this export: withheld under R8.
    let unbound = couple.ok(&["export", "--for", sample::A, "--about", sample::B, "--dry-run"]);
    unbound.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R8: consent {consent_b} of Bastiaan Hendriks (2026-042) is for one specific request, not this one]"
    ));

    // Bound: allowed once.
    let (first, _) = couple.export(
        &["--for", sample::A, "--about", sample::B, "--request", &consent_b],
        &key,
        "first.age",
    );
    first.expect_code(0);
    first.expect_stderr_line("  + 2026-042, note 1: intake of 2026-03-02 [R2]");
    let second = couple.ok(&[
        "export",
        "--for",
        sample::A,
        "--about",
        sample::B,
        "--request",
        &consent_b,
        "--dry-run",
    ]);
    second.expect_stderr_line(&format!(
        "  - 2026-042, note 1: intake of 2026-03-02 [R8: consent {consent_b} of Bastiaan Hendriks (2026-042) was for a single request and has already been used]"
    ));
}

#[test]
fn foreign_and_expired_consents_refused() {
    let couple = TestVault::sample_couple(ENGLISH);

    // A consent of another vault (the committed test vector).
    let foreign = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/partner/consent.kluis");
    let run = couple.run(&["consent", "import", foreign.to_str().unwrap()]);
    run.expect_code(EXIT_CONSENT);
    assert!(
        run.stderr.contains("it belongs to another vault"),
        "{}",
        run.stderr
    );

    // A consent whose validity has already ended.
    let counsellor_card = couple.file("counsellor.card");
    couple.ok(&["card", "-o", counsellor_card.to_str().unwrap()]);
    let key = couple.file("b.key");
    let card = couple.file("b.card");
    couple.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    couple.ok(&["person", "card", sample::B, "--card", card.to_str().unwrap()]);
    let request = couple.file("request.kluis");
    couple.ok(&[
        "consent",
        "request",
        "--grantor",
        sample::B,
        "--to",
        sample::A,
        "--purpose",
        "Inzage",
        "--from",
        "2026-01-01",
        "--until",
        "2026-01-31",
        "-o",
        request.to_str().unwrap(),
    ]);
    let signed = couple.file("consent.kluis");
    couple.ok(&[
        "partner",
        "sign",
        request.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--counsellor-card",
        counsellor_card.to_str().unwrap(),
        "-o",
        signed.to_str().unwrap(),
        "--yes",
    ]);
    let expired = couple.run(&["consent", "import", signed.to_str().unwrap()]);
    expired.expect_code(EXIT_CONSENT);
    assert!(
        expired
            .stderr
            .contains("is no longer valid, so it was not imported"),
        "{}",
        expired.stderr
    );
}

#[test]
fn card_of_other_person_refused() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = couple.file("a.key");
    let card = couple.file("a.card");
    couple.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    couple.ok(&["person", "card", sample::A, "--card", card.to_str().unwrap()]);

    // A's card cannot be registered for B, so A cannot sign as B.
    couple
        .run(&["person", "card", sample::B, "--card", card.to_str().unwrap()])
        .expect_error(
            EXIT_REFUSED,
            "error: this key card is registered for 2026-041, so it cannot be used for someone else",
            "hint: Use the card this client gave you, and compare its fingerprint with them.",
        );
    // Nor can an export for B be encrypted to A's card.
    let out = couple.file("for-b.age");
    couple
        .run(&[
            "export",
            "--for",
            sample::B,
            "--recipient-file",
            card.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--yes",
        ])
        .expect_code(EXIT_REFUSED);
    assert!(!out.exists());
    // Nor to A's key given directly instead of the card.
    let parsed = kluis::partner::parse_card(&fs::read_to_string(&card).unwrap()).unwrap();
    couple
        .run(&[
            "export",
            "--for",
            sample::B,
            "--recipient",
            &parsed.recipient.to_string(),
            "-o",
            out.to_str().unwrap(),
            "--yes",
        ])
        .expect_code(EXIT_REFUSED);
    assert!(!out.exists());
}
