//! The backup commands: `backup`, `restore`, `remote check` and
//! `remote states`.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use kluis::backup::{self, Anchor, BackupSummary, Progress, RemoteFinding, Restored, Target, Verification};
use kluis::check::Depth;
use kluis::error::{Error, IoAction, Result};
use kluis::fl;
use kluis::store::seen::{Lineage, SeenHeads};

use super::args::{BackupArgs, RemoteCheckArgs, RemoteCommand, RemoteStatesArgs, RestoreArgs};
use super::commands::Context;
use super::integrity::{capitalized, finding_text, notice_text, size_text};
use super::{errors, input};

/// A progress bar on standard error, drawn only on a terminal and at most
/// ten times a second.
struct Bar {
    label: String,
    files: u64,
    bytes: u64,
    done_files: u64,
    done_bytes: u64,
    drawn: Option<Instant>,
    visible: bool,
}

impl Bar {
    fn new(label: String, quiet: bool) -> Self {
        Self {
            label,
            files: 0,
            bytes: 0,
            done_files: 0,
            done_bytes: 0,
            drawn: None,
            visible: !quiet && io::stderr().is_terminal(),
        }
    }

    fn draw(&mut self, force: bool) {
        if !self.visible || self.files == 0 {
            return;
        }
        if !force
            && self
                .drawn
                .is_some_and(|at| at.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.drawn = Some(Instant::now());
        let share = if self.bytes > 0 {
            self.done_bytes as f64 / self.bytes as f64
        } else {
            self.done_files as f64 / self.files as f64
        }
        .min(1.0);
        let width = 24;
        let full = (share * width as f64) as usize;
        let bar: String = "#".repeat(full) + &"-".repeat(width - full);
        eprint!(
            "\r{} [{bar}] {:>3} % {}",
            self.label,
            (share * 100.0) as u32,
            fl!(
                "backup-progress",
                done = self.done_files,
                files = self.files,
                size = size_text(self.done_bytes)
            )
        );
        let _ = io::stderr().flush();
    }

    fn finish(&mut self) {
        if self.visible && self.drawn.is_some() {
            self.draw(true);
            eprintln!();
        }
    }
}

impl Progress for Bar {
    fn planned(&mut self, files: u64, bytes: u64) {
        self.files = files;
        self.bytes = bytes;
        self.draw(true);
    }

    fn sent(&mut self, bytes: u64) {
        self.done_files += 1;
        self.done_bytes += bytes;
        self.draw(false);
    }
}

/// `kluis backup REMOTE`: sends what the remote lacks.
pub fn backup(context: &Context, args: BackupArgs) -> Result<()> {
    let target = Target::parse(&args.remote)?;
    let location = target.to_string();
    let seen = SeenHeads::default_location()?;
    let mut bar = Bar::new(fl!("backup-sending"), args.quiet || args.json);
    let started = Instant::now();
    let scope = if args.repair {
        backup::Scope::Everything
    } else {
        backup::Scope::Missing
    };
    let result = backup::backup(&context.vault, target, &seen, scope, &mut bar);
    bar.finish();
    let summary = result?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        out!("{}", summary_json(&location, &summary, seconds));
        return Ok(());
    }
    if let Some(seen) = summary.repaired_rollback {
        eprintln!(
            "{}",
            fl!("backup-rolled-back", seen = seen, found = summary.before)
        );
    }
    if args.quiet {
        return Ok(());
    }
    if summary.files == 0 {
        out!(
            "{}",
            fl!("backup-up-to-date", remote = location, seq = summary.after)
        );
    } else {
        out!(
            "{}",
            fl!(
                "backup-done",
                remote = location,
                before = summary.before,
                after = summary.after,
                files = summary.files,
                objects = summary.objects,
                entries = summary.entries,
                size = size_text(summary.bytes)
            )
        );
    }
    if summary.already_there > 0 {
        out!("{}", fl!("backup-resumed", count = summary.already_there));
    }
    if summary.removed > 0 {
        out!("{}", fl!("backup-removed", count = summary.removed));
    }
    Ok(())
}

fn summary_json(remote: &str, summary: &BackupSummary, seconds: f64) -> String {
    serde_json::json!({
        "remote": remote,
        "before": summary.before,
        "after": summary.after,
        "files": summary.files,
        "objects": summary.objects,
        "entries": summary.entries,
        "other_files": summary.other_files,
        "packs": summary.packs,
        "bytes": summary.bytes,
        "already_there": summary.already_there,
        "repaired_rollback": summary.repaired_rollback,
        "removed": summary.removed,
        "seconds": (seconds * 1000.0).round() / 1000.0,
    })
    .to_string()
}

/// `kluis restore REMOTE DIR`: restores into a new folder, checked.
pub fn restore(context: &Context, args: RestoreArgs) -> Result<()> {
    let target = Target::parse(&args.remote)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let seen = SeenHeads::default_location()?;
    let mut bar = Bar::new(fl!("restore-fetching"), false);
    let result = backup::restore(
        target,
        &args.destination,
        args.at,
        passphrase,
        &seen,
        |lineage, last| {
            bar_pause();
            match lineage {
                Lineage::RolledBack { seen, found } => {
                    eprintln!("{}", fl!("restore-older", seen = seen.seq, found = found));
                }
                Lineage::Forked { seen } => {
                    eprintln!("{}", fl!("accept-restore-forked", seq = seen.seq, found = last));
                }
                Lineage::New | Lineage::Extends => {}
            }
            eprintln!("{}", fl!("accept-restore-warning"));
            args.yes || (io::stdin().is_terminal() && input::confirm(&fl!("restore-confirm")))
        },
        &mut bar,
    );
    bar.finish();
    let path = args.destination.display().to_string();
    match result? {
        Restored::Done(summary) => {
            out!(
                "{}",
                fl!(
                    "restore-done",
                    path = path,
                    seq = summary.seq,
                    files = summary.files,
                    size = size_text(summary.bytes)
                )
            );
            if summary.seq < summary.remote_head {
                out!("{}", fl!("restore-not-latest", head = summary.remote_head));
            }
            if let Some(record) = summary.accepted {
                out!(
                    "{}",
                    fl!("accept-restore-done", seq = record.accepted_seq.saturating_add(1))
                );
            }
            Ok(())
        }
        Restored::Damaged(report) => {
            out!("{}", fl!("restore-damaged"));
            for notice in &report.notices {
                out!("  {}", notice_text(notice));
            }
            for finding in &report.findings {
                out!("  ✗ {}", capitalized(&finding_text(finding)));
            }
            Err(Error::RemoteProblemsFound {
                count: report.findings.len(),
                rolled_back_only: false,
                forked: false,
            })
        }
    }
}

/// Ends the progress line before a question is asked.
fn bar_pause() {
    if io::stderr().is_terminal() {
        eprintln!();
    }
}

/// `kluis remote …`.
pub fn remote(context: &Context, command: RemoteCommand) -> Result<()> {
    match command {
        RemoteCommand::Check(args) => check(context, args),
        RemoteCommand::States(args) => states(context, args),
    }
}

fn check(context: &Context, args: RemoteCheckArgs) -> Result<()> {
    let target = Target::parse(&args.remote)?;
    let location = target.to_string();
    let seen = SeenHeads::default_location()?;
    let depth = if args.full { Depth::Full } else { Depth::Quick };
    let vault = context
        .vault
        .join(kluis::store::HEADER_FILE)
        .exists()
        .then_some(context.vault.as_path());
    let mut bar = Bar::new(fl!("remote-check-reading"), args.json);
    let result = backup::verify(target, vault, depth, &seen, &mut bar);
    bar.finish();
    let verification = result?;
    if args.json {
        out!("{}", verification_json(&location, depth, &verification));
    } else {
        print_verification(
            &location,
            depth,
            &verification,
            &context.vault.display().to_string(),
        )?;
    }
    if verification.findings.is_empty() {
        return Ok(());
    }
    Err(Error::RemoteProblemsFound {
        count: verification.findings.len(),
        rolled_back_only: verification.findings.iter().all(RemoteFinding::is_lineage),
        forked: verification
            .findings
            .iter()
            .any(|finding| matches!(finding, RemoteFinding::Forked { .. })),
    })
}

fn print_verification(location: &str, depth: Depth, verification: &Verification, vault: &str) -> Result<()> {
    out!(
        "{}",
        match depth {
            Depth::Quick => fl!("remote-check-quick", remote = location),
            Depth::Full => fl!("remote-check-full", remote = location),
        }
    );
    out!(
        "{}",
        fl!(
            "remote-check-covered",
            entries = verification.entries,
            head = verification.head,
            objects = verification.objects,
            size = size_text(verification.bytes_checked)
        )
    );
    match verification.anchor {
        Anchor::LocalVault => {}
        Anchor::Remembered => out!("  {}", fl!("remote-check-no-vault")),
        Anchor::FirstSight => out!("  {}", fl!("remote-check-first-sight")),
    }
    if let Some(local) = verification.local {
        if local > verification.head && verification.findings.is_empty() {
            out!(
                "  {}",
                fl!(
                    "remote-check-behind",
                    head = verification.head,
                    local = local,
                    path = vault
                )
            );
        }
        if local < verification.head {
            out!(
                "  {}",
                fl!(
                    "remote-check-ahead",
                    head = verification.head,
                    local = local,
                    path = vault
                )
            );
        }
    }
    if verification.unlisted > 0 && verification.findings.is_empty() {
        out!(
            "  {}",
            fl!("remote-check-unlisted", count = verification.unlisted)
        );
    }
    if verification.removed_pending > 0 {
        out!(
            "  {}",
            fl!(
                "remote-check-removed-pending",
                count = verification.removed_pending
            )
        );
    }
    if verification.findings.is_empty() {
        out!("{}", fl!("check-clean"));
        return Ok(());
    }
    for finding in &verification.findings {
        out!("  ✗ {}", capitalized(&remote_finding_text(finding)));
    }
    Ok(())
}

fn remote_finding_text(finding: &RemoteFinding) -> String {
    match finding {
        RemoteFinding::Missing { file } => fl!("remote-finding-missing", file = file.clone()),
        RemoteFinding::Modified { file } => fl!("remote-finding-modified", file = file.clone()),
        RemoteFinding::Journal { seq, problem } => {
            let damage = kluis::error::Damage::Journal {
                seq: *seq,
                problem: *problem,
            };
            errors::damage_text(&damage)
        }
        RemoteFinding::Head => fl!("remote-finding-head"),
        RemoteFinding::RolledBack { seen, found } => {
            fl!("remote-finding-rolled-back", seen = seen, found = found)
        }
        RemoteFinding::Forked { seq } => fl!("remote-finding-forked", seq = seq),
    }
}

fn verification_json(location: &str, depth: Depth, verification: &Verification) -> String {
    let findings: Vec<serde_json::Value> = verification
        .findings
        .iter()
        .map(|finding| match finding {
            RemoteFinding::Missing { file } => serde_json::json!({"kind": "missing", "file": file}),
            RemoteFinding::Modified { file } => serde_json::json!({"kind": "modified", "file": file}),
            RemoteFinding::Journal { seq, .. } => serde_json::json!({"kind": "journal", "seq": seq}),
            RemoteFinding::Head => serde_json::json!({"kind": "head", "file": "HEAD"}),
            RemoteFinding::RolledBack { seen, found } => {
                serde_json::json!({"kind": "rolled-back", "seen": seen, "found": found})
            }
            RemoteFinding::Forked { seq } => serde_json::json!({"kind": "forked", "seq": seq}),
        })
        .collect();
    serde_json::json!({
        "remote": location,
        "depth": match depth { Depth::Quick => "quick", Depth::Full => "full" },
        "head": verification.head,
        "entries": verification.entries,
        "objects": verification.objects,
        "bytes_checked": verification.bytes_checked,
        "local": verification.local,
        "unlisted": verification.unlisted,
        "removed_pending": verification.removed_pending,
        "clean": verification.findings.is_empty(),
        "findings": findings,
    })
    .to_string()
}

/// `kluis remote states REMOTE`: the states a remote can restore, one line
/// per day (or per entry with `--all`).
fn states(context: &Context, args: RemoteStatesArgs) -> Result<()> {
    let target = Target::parse(&args.remote)?;
    let location = target.to_string();
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let (states, head) = backup::states(target, passphrase)?;
    out!("{}", fl!("remote-states-title", remote = location, head = head));
    let time_text = |time: Option<i64>| -> (String, String) {
        match time.and_then(|seconds| jiff::Timestamp::from_second(seconds).ok()) {
            Some(stamp) => {
                let local = stamp.to_zoned(kluis::consent::time::zone());
                (
                    local.strftime("%Y-%m-%d").to_string(),
                    local.strftime("%H:%M").to_string(),
                )
            }
            None => ("?".to_string(), "?".to_string()),
        }
    };
    if args.all {
        for state in &states {
            let (day, clock) = time_text(state.time);
            let marker = if state.seq == head { " ←HEAD" } else { "" };
            out!("  {:>8}  {day} {clock}{marker}", state.seq);
        }
        return Ok(());
    }
    let mut index = 0;
    while index < states.len() {
        let (day, first_clock) = time_text(states[index].time);
        let mut last = index;
        while last + 1 < states.len() && time_text(states[last + 1].time).0 == day {
            last += 1;
        }
        let (_, last_clock) = time_text(states[last].time);
        out!(
            "  {}",
            fl!(
                "remote-states-day",
                day = day,
                first = states[index].seq,
                last = states[last].seq,
                from = first_clock,
                until = last_clock
            )
        );
        index = last + 1;
    }
    out!("{}", fl!("remote-states-hint"));
    Ok(())
}
