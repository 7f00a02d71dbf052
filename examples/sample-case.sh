#!/usr/bin/env bash
# Runs the whole kluis flow on the fictitious sample couple in
# examples/sample-case/: a vault, two client dossiers and a couple record,
# notes, a written consent of one partner only, and an export for each
# partner. Everything happens in a temporary folder that is removed at the
# end; nothing is written to your own vault.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
case_dir="$here/sample-case"

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
kluis="${CARGO_TARGET_DIR:-$root/target}/release/kluis"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KLUIS_VAULT="$work/vault"
# This computer's memory of verified vaults, kept in the temporary folder
# too, so the demonstration leaves nothing behind.
export KLUIS_STATE_DIR="$work/state"
# A throwaway passphrase for this demonstration only. Real use: leave
# KLUIS_PASSPHRASE unset and kluis asks for the passphrase without echo.
export KLUIS_PASSPHRASE="voorbeeld-kluis-2026-demo"

run() {
  printf '\n$ kluis %s\n' "$*"
  "$kluis" "$@"
}

echo "== Vault, dossiers and couple record"
run init --recovery-key-file "$work/recovery-key.txt"
run person add --registration 2026-041 --name "Anouk Hendriks-van Dam" \
  --email anouk.hendriks@example.nl --phone 06-00001041 --start 2026-03-02
run person add --registration 2026-042 --name "Bastiaan Hendriks" \
  --email bastiaan.hendriks@example.nl --phone 06-00001042 --start 2026-03-02
run couple add --registration K-2026-017 --partner-a 2026-041 --partner-b 2026-042 --start 2026-03-02

echo
echo "== Notes: individual notes in each dossier, joint notes in the couple record"
run note add 2026-041 --kind intake --date 2026-03-02 --file "$case_dir/a-intake.md"
run note add 2026-041 --kind session --date 2026-03-16 --file "$case_dir/a-sessie-individueel.md"
run note add 2026-041 --kind working --date 2026-03-16 --file "$case_dir/a-werkaantekening.md"
run note add 2026-042 --kind intake --date 2026-03-02 --file "$case_dir/b-intake.md"
run note add 2026-042 --kind session --date 2026-03-23 --file "$case_dir/b-sessie-individueel.md"
run note add K-2026-017 --kind session --date 2026-04-13 --file "$case_dir/gezamenlijk-gesprek-1.md"
run note add K-2026-017 --kind session --date 2026-09-28 --file "$case_dir/gezamenlijk-gesprek-2.md"
run end 2026-041 --date 2026-10-30
run end 2026-042 --date 2026-10-30
run end K-2026-017 --date 2026-10-30

echo
echo "== Written consent: only Anouk consented, also after the counselling"
run consent record --grantor 2026-041 --to 2026-042 --form "$case_dir/toestemmingsformulier-a.pdf" \
  --after-end --signed-on 2026-03-16 --from 2026-03-16 --until 2027-12-31 \
  --purpose "Inzage in het dossier tijdens en na de begeleiding"
run list
run consent list

echo
echo "== After the counselling Bastiaan asks for his dossier and Anouk's data."
echo "   Anouk's consent dates from before the end, so it must be re-verified first:"
run export --for 2026-042 --about 2026-041 --dry-run
consent_id=$("$kluis" consent list 2026-041 | awk 'NR == 1 { print $1 }')
echo
echo "   Anouk confirms by e-mail; the counsellor records the confirmation:"
run consent reverify "$consent_id" --form "$case_dir/herbevestiging-a.eml"

echo
echo "== Exports: each partner asks for everything, including the other's dossier"
if command -v age-keygen >/dev/null 2>&1; then
  age-keygen -o "$work/anouk.key" 2>/dev/null
  age-keygen -o "$work/bastiaan.key" 2>/dev/null
  anouk=(--recipient "$(age-keygen -y "$work/anouk.key")")
  bastiaan=(--recipient "$(age-keygen -y "$work/bastiaan.key")")
else
  echo "(age-keygen is not installed: the exports use generated passphrases instead)"
  anouk=(--passphrase)
  bastiaan=(--passphrase)
fi
run export --for 2026-042 --about 2026-041 "${bastiaan[@]}" -o "$work/voor-bastiaan.age" --yes
run export --for 2026-041 --about 2026-042 "${anouk[@]}" -o "$work/voor-anouk.age" --yes

echo
echo "== What each partner receives"
if command -v age >/dev/null 2>&1 && [ -f "$work/anouk.key" ]; then
  for who in bastiaan anouk; do
    printf '\n$ age -d -i %s.key voor-%s.age | tar -t\n' "$who" "$who"
    age -d -i "$work/$who.key" "$work/voor-$who.age" | tar -t
  done
  for who in bastiaan anouk; do
    receipt=$(age -d -i "$work/$who.key" "$work/voor-$who.age" | tar -t | grep -E '/(RECEIPT|ONTVANGSTBEWIJS)\.md$')
    printf '\n$ age -d -i %s.key voor-%s.age | tar -xO %s\n' "$who" "$who" "$receipt"
    age -d -i "$work/$who.key" "$work/voor-$who.age" | tar -xO "$receipt"
  done
else
  echo "The stock age CLI is not installed (Debian: apt-get install age), so the exports are not opened here."
fi

echo
echo "== Integrity: check the whole vault, and Anouk's access log"
run show 2026-041 --note 1
run check --full
run log 2026-041
if [ -f "$work/anouk.key" ]; then
  run log 2026-041 "${anouk[@]}" -o "$work/inzagelogboek-anouk.age"
  if command -v age >/dev/null 2>&1; then
    printf '\n$ age -d -i anouk.key inzagelogboek-anouk.age\n'
    age -d -i "$work/anouk.key" "$work/inzagelogboek-anouk.age"
  fi
fi

echo
echo "== A copy of the vault put back to an older state is refused"
cp -r "$KLUIS_VAULT" "$work/older-copy"
run note add 2026-042 --kind report --date 2026-10-30 --file "$case_dir/b-sessie-individueel.md"
rm -rf "$KLUIS_VAULT"
mv "$work/older-copy" "$KLUIS_VAULT"
printf '\n$ kluis list\n'
if "$kluis" list; then
  echo "error: kluis opened the rolled-back vault; expected exit status 11" >&2
  exit 1
fi
run accept-restore --yes

echo
echo "== Backup to a folder (an external disk), checked, and restored into a new folder"
mkdir "$work/backup-disk"
run backup "$work/backup-disk"
run remote check --full "$work/backup-disk"
run restore "$work/backup-disk" "$work/restored"
printf '\n$ kluis --vault restored list\n'
"$kluis" --vault "$work/restored" list
if grep -rqa "Hendriks" "$work/backup-disk"; then
  echo "error: a client name is readable in the backup" >&2
  exit 1
fi
echo "(no client name is readable anywhere in the backup folder)"

echo
echo "== Bastiaan asks for his data to be erased (AVG art. 17)."
echo "   The couple record goes first: its joint notes are about him too."
run destroy K-2026-017 --reason client-request --yes
run destroy 2026-042 --reason client-request --yes
run list
run check --full
echo
echo "   The next backup deletes their files from the backup folder as well:"
run backup "$work/backup-disk"
run remote check --full "$work/backup-disk"

echo
echo "== The vault folder holds no names: only encrypted, randomly named files"
(cd "$KLUIS_VAULT" && find . -type f | sort | head -n 12 && echo "… $(find . -type f | wc -l) files in all")
