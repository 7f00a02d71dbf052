#!/usr/bin/env bash
# Situation 4: a couple registered as two individuals. Anouk and Bastiaan
# each start individual counselling with a dossier of their own; later a
# couple registration links the two dossiers for joint sessions. The link
# grants nothing by itself: exchange between them needs written consent, as
# in situation 1, and each consent covers only the data it names.
#
# Runs the kluis binary in KLUIS_BIN, or target/release/kluis in the
# repository. Building it is the caller's job:
#   cargo build --release && bash examples/scenarios/situation-4.sh
# Everything happens in a throwaway vault in a temporary folder that is
# removed on exit.
set -euo pipefail
source "$(dirname "$0")/common.sh"

heading "Situation 4: a couple registered as two individuals"
echo "Anouk and Bastiaan each come for individual counselling, each with a dossier of"
echo "their own. From 2026-03-02 they also come together, under a couple registration."

run init --recovery-key-file recovery-key.txt
run person add --registration 2026-041 --name "Anouk Hendriks-van Dam" --start 2026-01-12
run person add --registration 2026-042 --name "Bastiaan Hendriks" --start 2026-02-02

cat >gesprek-anouk.md <<'EOF'
Individueel gesprek Anouk Hendriks-van Dam (2026-041), 2026-01-26.

Ze twijfelt of ze het huwelijk wil voortzetten en wil dat eerst voor zichzelf uitzoeken.
EOF
run note add 2026-041 --kind session --date 2026-01-26 --file gesprek-anouk.md

cat >gesprek-bastiaan.md <<'EOF'
Individueel gesprek Bastiaan Hendriks (2026-042), 2026-02-16.

Hij heeft een overplaatsing naar Utrecht aangevraagd en wil dat Anouk dat nog niet weet.
EOF
run note add 2026-042 --kind session --date 2026-02-16 --file gesprek-bastiaan.md

heading "Before the couple registration, kluis rejects a partner consent between them"
run_expecting_failure consent record --grantor 2026-041 --to 2026-042 --form toestemmingsformulier-a.pdf \
  --signed-on 2026-01-26 --from 2026-01-26 --purpose "Uitwisseling met mijn partner"

heading "The couple registration links the two individual dossiers"
run couple add --registration K-2026-017 --partner-a 2026-041 --partner-b 2026-042 --start 2026-03-02

cat >gezamenlijk-gesprek.md <<'EOF'
[A+B] Eerste gezamenlijke gesprek op 2026-03-09, naast de individuele trajecten van beiden.

[A] Anouk vraagt om meer gezamenlijke tijd met de kinderen.

[B] Bastiaan zegt dat hij de laatste tijd veel overwerkt.

[A+B] Afspraak: eens per maand een gezamenlijk gesprek.
EOF
printf '\n$ cat gezamenlijk-gesprek.md\n'
cat gezamenlijk-gesprek.md
run note add K-2026-017 --kind session --date 2026-03-09 --file gezamenlijk-gesprek.md

echo
echo "Being linked as partners grants nothing by itself: without consent, Bastiaan gets only"
echo "his own data (R1), and Anouk's individual dossier stays closed to him (R2):"
run export --for 2026-042 --about 2026-041 --dry-run

heading "Both sign a written consent, as in situation 1"
echo "Anouk consents to everything; Bastiaan only to the joint-session paragraphs (--classes joint)."
# Anouk's scanned form also states "valid until 2027-12-31". --until is left
# out so that this scenario gives the same result after that day.
run consent record --grantor 2026-041 --to 2026-042 --form toestemmingsformulier-a.pdf \
  --after-end --signed-on 2026-03-16 --from 2026-03-16 \
  --purpose "Inzage in het dossier tijdens en na de begeleiding"
# The sample case has no scan of a form from Bastiaan, so a text file is
# used in its place. kluis stores any file as the scan.
cat >toestemmingsformulier-b.txt <<'EOF'
Toestemmingsverklaring (vervangend voorbeeld, geen echte scan)
Ik, Bastiaan Hendriks (2026-042), geef toestemming om de verslagen van onze
gezamenlijke gesprekken met mijn partner Anouk Hendriks-van Dam te delen.
Mijn individuele gesprekken vallen hier niet onder.
Datum: 2026-03-16   Handtekening: B. Hendriks
EOF
run consent record --grantor 2026-042 --to 2026-041 --form toestemmingsformulier-b.txt \
  --classes joint --signed-on 2026-03-16 --from 2026-03-16 \
  --purpose "Uitwisseling van de gezamenlijke gesprekken"

heading "Each partner asks for the other's data"
run export --for 2026-042 --about 2026-041 --dry-run
run export --for 2026-041 --about 2026-042 --dry-run

echo
echo "EXPECTED OUTCOME: kluis rejects a partner consent while no couple record links the two"
echo "dossiers (exit status 10). After the link but before any consent, Bastiaan's plan allows"
echo "only his own note and paragraph (R1) and withholds Anouk's individual session note and every"
echo "paragraph about her under R2. With both consents, Bastiaan receives Anouk's individual"
echo "note and paragraphs (R2); Anouk receives Bastiaan's paragraph and the paragraphs about"
echo "both (R2), but his individual session note and his form stay withheld under R2, because"
echo "his consent covers only joint-session paragraphs."
