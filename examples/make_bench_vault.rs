//! Builds a large vault of fictitious dossiers for the backup benchmark in
//! `bench/backup.sh`, or adds one note to such a vault.
//!
//! ```text
//! KLUIS_PASSPHRASE=... cargo run --release --example make_bench_vault -- DIR N
//! KLUIS_PASSPHRASE=... cargo run --release --example make_bench_vault -- DIR --add-note
//! ```
//!
//! The first form creates a vault in `DIR` with exactly `N` object files in
//! `objects/`, for N ≥ 2. It adds one person dossier per 50 objects (a key
//! and a details object each) and one couple record per 10 persons (two
//! objects). Notes of about 2 KiB of Dutch text make up the rest. Notes go round-robin over the
//! dossiers, one a week per dossier, so the journal interleaves clients as a
//! real practice would. Every note adds a journal entry too, so the vault
//! holds about 2 × N files. Names, registration numbers and texts are made
//! up and generated from a fixed seed, so two runs with the same N write the
//! same plaintext (the ciphertexts and object names are random).
//!
//! The second form opens the vault, unlocking it once with the passphrase,
//! and adds one session note to the first person dossier: the "one changed
//! note" between a full and an incremental backup.
//!
//! Both forms take the passphrase from `KLUIS_PASSPHRASE` and remember the
//! vault's journal where `kluis` does (`KLUIS_STATE_DIR`, or the user's
//! state folder), so the `kluis` binary opens the vault afterwards.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use age::secrecy::SecretString;
use jiff::civil::{date, Date};
use jiff::ToSpan;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use kluis::format::{About, NoteBody, NoteKind, Paragraph};
use kluis::ids::DossierId;
use kluis::model::{Access, NewPerson, Vault};

const USAGE: &str = "usage: make_bench_vault DIR N | make_bench_vault DIR --add-note \
                     (the passphrase comes from KLUIS_PASSPHRASE)";

/// Objects per person dossier: its key, its details and 48 notes.
const OBJECTS_PER_PERSON: u64 = 50;
/// One couple record for every this many persons.
const PERSONS_PER_COUPLE: u64 = 10;
/// A note's text grows by whole sentences until it has this many bytes.
const NOTE_BYTES: usize = 2000;
/// The day every dossier starts. Its notes follow weekly.
const FIRST_DAY: Date = date(2020, 1, 6);
const SEED: u64 = 0x6b6c_7569_735f_6265;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, what] = args.as_slice() else {
        return Err(USAGE.into());
    };
    let passphrase =
        std::env::var("KLUIS_PASSPHRASE").map_err(|_| format!("KLUIS_PASSPHRASE is not set. {USAGE}"))?;
    let passphrase = SecretString::from(passphrase);
    let dir = PathBuf::from(dir);

    if what == "--add-note" {
        return add_one_note(&dir, passphrase);
    }
    let objects: u64 = what
        .parse()
        .map_err(|_| format!("invalid object count {what:?}: expected a whole number. {USAGE}"))?;
    if objects < 2 {
        return Err(format!(
            "invalid object count {objects}: a vault needs at least 2 (one person). {USAGE}"
        )
        .into());
    }
    build(&dir, objects, passphrase)
}

/// How many dossiers and notes make up exactly `objects` objects.
struct Plan {
    persons: u64,
    couples: u64,
    notes: u64,
}

impl Plan {
    fn for_objects(objects: u64) -> Plan {
        let persons = (objects / OBJECTS_PER_PERSON).max(1);
        let couples = persons / PERSONS_PER_COUPLE;
        Plan {
            persons,
            couples,
            notes: objects - 2 * persons - 2 * couples,
        }
    }
}

/// A dossier that receives notes, with the first names its notes use.
struct Client {
    id: DossierId,
    names: Names,
    /// Whether notes are tagged paragraphs (a couple record).
    couple: bool,
}

#[derive(Clone)]
struct Names {
    first: &'static str,
    partner: &'static str,
}

fn build(dir: &Path, objects: u64, passphrase: SecretString) -> Result<(), Box<dyn Error>> {
    let plan = Plan::for_objects(objects);
    eprintln!(
        "creating {}: {} persons, {} couples, {} notes ({objects} objects)",
        dir.display(),
        plan.persons,
        plan.couples,
        plan.notes
    );
    let started = Instant::now();
    let (mut vault, _recovery) = Vault::init(dir, passphrase)?;
    let mut rng = StdRng::seed_from_u64(SEED);

    let mut clients = Vec::new();
    for index in 0..plan.persons {
        let first = person_names(index as usize).first;
        let surname = SURNAMES[(index as usize / FIRST_NAMES.len()) % SURNAMES.len()];
        let id = vault.add_person(NewPerson {
            registration: format!("2020-{:05}", index + 1),
            name: format!("{first} {surname}"),
            email: None,
            phone: None,
            address: None,
            start: FIRST_DAY,
        })?;
        clients.push(Client {
            id,
            names: person_names(index as usize),
            couple: false,
        });
    }
    // Couple k joins persons 2k and 2k + 1, who also keep their own dossiers.
    for index in 0..plan.couples as usize {
        let (a, b) = (&clients[2 * index], &clients[2 * index + 1]);
        let names = Names {
            first: a.names.first,
            partner: b.names.first,
        };
        let id = vault.add_couple(format!("K-2020-{:04}", index + 1), a.id, b.id, FIRST_DAY)?;
        clients.push(Client {
            id,
            names,
            couple: true,
        });
    }

    for number in 0..plan.notes {
        let client = &clients[(number % clients.len() as u64) as usize];
        let week = number / clients.len() as u64;
        let kind = note_kind(week);
        let day = FIRST_DAY.checked_add((7 * week as i64).days())?;
        let body = if client.couple {
            couple_note(&mut rng, &client.names)
        } else {
            person_note(&mut rng, &client.names)
        };
        vault.add_note(client.id, kind, day, body)?;
        if (number + 1) % 1000 == 0 {
            eprintln!(
                "  {} of {} notes, {:.0} s",
                number + 1,
                plan.notes,
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "created {} in {:.1} s: {} journal entries",
        dir.display(),
        started.elapsed().as_secs_f64(),
        vault.journal_len()
    );
    Ok(())
}

fn add_one_note(dir: &Path, passphrase: SecretString) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let mut vault = Vault::open(dir, passphrase, Access::Write)?;
    let opened = started.elapsed().as_secs_f64();
    let person = vault
        .dossiers()
        .iter()
        .find(|dossier| !dossier.is_couple())
        .ok_or_else(|| format!("{} has no person dossier to add a note to", dir.display()))?;
    let id = person.id;
    let week = person.notes.len() as u64;
    let day = FIRST_DAY.checked_add((7 * week as i64).days())?;
    // Seeded by the journal's length, so each added note has new text.
    let mut rng = StdRng::seed_from_u64(SEED ^ vault.journal_len());
    vault.add_note(
        id,
        NoteKind::Session,
        day,
        person_note(&mut rng, &person_names(0)),
    )?;
    eprintln!(
        "added a note to {} in {:.1} s ({opened:.1} s to open and verify): {} journal entries",
        dir.display(),
        started.elapsed().as_secs_f64(),
        vault.journal_len()
    );
    Ok(())
}

/// Returns the first name of person `index` and of the partner its notes mention.
fn person_names(index: usize) -> Names {
    Names {
        first: FIRST_NAMES[index % FIRST_NAMES.len()],
        partner: FIRST_NAMES[(index + FIRST_NAMES.len() / 2) % FIRST_NAMES.len()],
    }
}

/// Intake first, a report every 12th week, a working note every 5th,
/// sessions otherwise.
fn note_kind(week: u64) -> NoteKind {
    if week == 0 {
        NoteKind::Intake
    } else if week.is_multiple_of(12) {
        NoteKind::Report
    } else if week.is_multiple_of(5) {
        NoteKind::WorkingNote
    } else {
        NoteKind::Session
    }
}

fn person_note(rng: &mut StdRng, names: &Names) -> NoteBody {
    let mut text = String::new();
    while text.len() < NOTE_BYTES {
        if !text.is_empty() {
            // A blank line after about every fourth sentence.
            text.push_str(if rng.gen_ratio(1, 4) { "\n\n" } else { " " });
        }
        text.push_str(&sentence(rng, PERSON_SENTENCES, names));
    }
    NoteBody::Text(text)
}

fn couple_note(rng: &mut StdRng, names: &Names) -> NoteBody {
    let mut paragraphs = Vec::new();
    let mut bytes = 0;
    while bytes < NOTE_BYTES {
        let about = [About::PartnerA, About::PartnerB, About::Both][paragraphs.len() % 3];
        let names = match about {
            About::PartnerB => Names {
                first: names.partner,
                partner: names.first,
            },
            _ => names.clone(),
        };
        let pool = if about == About::Both {
            COUPLE_SENTENCES
        } else {
            PERSON_SENTENCES
        };
        let text = (0..3)
            .map(|_| sentence(rng, pool, &names))
            .collect::<Vec<_>>()
            .join(" ");
        bytes += text.len();
        paragraphs.push(Paragraph { about, text });
    }
    NoteBody::Paragraphs(paragraphs)
}

fn sentence(rng: &mut StdRng, pool: &[&str], names: &Names) -> String {
    let template = pool.choose(rng).expect("sentence pools are not empty");
    template
        .replace("{naam}", names.first)
        .replace("{partner}", names.partner)
}

/// Fictitious first names for the dossiers.
const FIRST_NAMES: &[&str] = &[
    "Anouk",
    "Bram",
    "Charlotte",
    "Daan",
    "Eva",
    "Floris",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jesse",
    "Kim",
    "Lotte",
    "Milan",
    "Noor",
    "Olivier",
    "Pien",
    "Quinten",
    "Roos",
    "Sem",
    "Tess",
    "Umut",
    "Vera",
    "Wouter",
    "Yara",
    "Zoë",
];

/// Surnames made up for the benchmark, so no dossier names a real person.
const SURNAMES: &[&str] = &[
    "Voorbeeld",
    "Proefhuizen",
    "Verzonnen",
    "Fictiefstra",
    "Bedachtsma",
    "Oefenberg",
    "Testerink",
    "Nepveld",
];

/// Sentences about one client, where `{naam}` is the client and `{partner}` the partner.
const PERSON_SENTENCES: &[&str] = &[
    "{naam} komt op tijd en oogt vermoeid, maar wil graag verder met het gesprek van vorige week.",
    "We bespreken de afspraken over de verdeling van het huishouden; volgens {naam} lopen die sinds kort beter.",
    "{naam} vertelt dat de ruzies vooral op zondagavond ontstaan, als de week weer begint.",
    "Bij het bespreken van de kinderen wordt {naam} emotioneel en neemt even de tijd.",
    "Huiswerk van vorige sessie: elke dag tien minuten zonder telefoon met elkaar praten. Dat is drie keer gelukt.",
    "{naam} merkt dat het lastig is om grenzen aan te geven op het werk, en dat dit thuis doorwerkt.",
    "We verkennen welke patronen {naam} herkent uit het gezin van herkomst.",
    "De slaap is iets verbeterd; {naam} gaat nu vaker voor middernacht naar bed.",
    "{naam} geeft aan dat de huisarts is ingelicht over de klachten en dat er geen medicatie wordt gebruikt.",
    "In de sessie oefenen we met ik-boodschappen in plaats van verwijten.",
    "{naam} vraagt zich af of een pauze in de relatie zou helpen; we onderzoeken wat daarachter zit.",
    "Er is gesproken over de rol van de schoonfamilie, die volgens {naam} te veel invloed heeft.",
    "{naam} beschrijft een moment waarop het gesprek met {partner} wel goed ging, en wat daarbij hielp.",
    "Afgesproken dat {naam} een dagboekje bijhoudt van momenten van spanning en ontspanning.",
    "We staan stil bij het verlies van een baan vorig jaar en wat dat met het zelfbeeld van {naam} heeft gedaan.",
    "{naam} reageert positief op de uitleg over de cirkel van aanval en terugtrekking.",
    "De financiële zorgen blijven een bron van stress; {naam} heeft een afspraak gemaakt met een budgetcoach.",
    "Volgende sessie willen we de communicatie rond de opvoeding verder uitdiepen.",
    "{naam} heeft moeite om te benoemen wat hij of zij nodig heeft, en valt terug op wat de ander wil.",
    "Reflectie: de toon van het gesprek was rustiger dan de vorige keer, er was meer ruimte voor luisteren.",
    "We maken een plan voor de feestdagen, die in het verleden vaak tot conflicten leidden.",
    "{naam} noemt het werk als uitlaatklep, maar ook als manier om thuis te ontlopen.",
];

/// Sentences about both partners of a couple.
const COUPLE_SENTENCES: &[&str] = &[
    "Samen met {naam} en {partner} blikken we terug op de afgelopen twee weken.",
    "{naam} en {partner} oefenen met actief luisteren: de een vat samen wat de ander zei.",
    "Beiden herkennen dat ze elkaar in drukke weken nauwelijks spreken.",
    "We spreken af dat {naam} en {partner} één avond per week samen iets ondernemen.",
    "Het gesprek loopt vast bij het onderwerp geld; we maken een aparte sessie daarvoor.",
    "{naam} en {partner} geven allebei aan dat het vertrouwen langzaam terugkomt.",
    "We bespreken hoe ze ruzie kunnen maken zonder elkaar te kleineren.",
    "Aan het eind van de sessie benoemen beiden één ding dat ze in de ander waarderen.",
];
