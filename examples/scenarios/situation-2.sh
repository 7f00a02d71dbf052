#!/usr/bin/env bash
# Situation 2: no consent was given during the counselling. Before anything
# about Anouk goes to Bastiaan, the counsellor asks Anouk for her consent.
# Without it, Bastiaan receives only what is about him alone; once Anouk has
# signed, her data goes to him too. Bastiaan never consents, so nothing about
# him goes to Anouk.
#
# Runs the kluis binary in KLUIS_BIN, or target/release/kluis in the
# repository. Building it is the caller's job:
#   cargo build --release && bash examples/scenarios/situation-2.sh
# Everything happens in a throwaway vault in a temporary folder that is
# removed on exit.
set -euo pipefail
source "$(dirname "$0")/common.sh"

heading "Situation 2: no consent was given during the counselling"
echo "Anouk and Bastiaan are in counselling together, and neither has signed a consent."
echo "Bastiaan asks for the notes, including what is about Anouk."

run init --recovery-key-file recovery-key.txt
add_sample_couple

cat >intake-anouk.md <<'EOF'
Individuele intake Anouk Hendriks-van Dam (2026-041), 2026-03-02.

Hulpvraag: "We praten langs elkaar heen." Ze werkt 32 uur per week en voelt zich thuis alleen verantwoordelijk voor het gezin.
EOF
run note add 2026-041 --kind intake --date 2026-03-02 --file intake-anouk.md

cat >werkaantekening-anouk.md <<'EOF'
Werkaantekening counsellor, 2026-03-02. Hypothese: onverwerkte rouw om haar vader. Meenemen naar intervisie.
EOF
run note add 2026-041 --kind working --date 2026-03-02 --file werkaantekening-anouk.md

cat >gezamenlijk-gesprek.md <<'EOF'
[A+B] Eerste gezamenlijke gesprek op 2026-03-09, 60 minuten. Beide cliënten aanwezig.

[A] Anouk benoemt in ik-vorm wat ze nodig heeft: een vast overlegmoment per week.

[B] Bastiaan reageert eerst verdedigend en erkent later dat hij zich terugtrekt in zijn werk.

[A+B] Afspraak: elke zondagavond een half uur overleg zonder telefoon.
EOF
printf '\n$ cat gezamenlijk-gesprek.md\n'
cat gezamenlijk-gesprek.md
run note add K-2026-017 --kind session --date 2026-03-09 --file gezamenlijk-gesprek.md

heading "Without Anouk's consent, Bastiaan receives only what is about him alone"
echo "His own paragraph goes out (R1). Everything about Anouk, including the paragraphs"
echo "about both of them, is withheld (R2), and the plan names the missing consent."
run export --for 2026-042 --about 2026-041 --dry-run

heading "The counsellor asks Anouk; she signs a consent for Bastiaan"
# Anouk's scanned form also states "valid until 2027-12-31". --until is left
# out so that this scenario gives the same result after that day.
run consent record --grantor 2026-041 --to 2026-042 --form toestemmingsformulier-a.pdf \
  --after-end --signed-on 2026-03-16 --from 2026-03-16 \
  --purpose "Inzage in het dossier tijdens en na de begeleiding"
echo "Now Anouk's data goes out to Bastiaan (R2); the counsellor's working note never does (R10):"
run export --for 2026-042 --about 2026-041 --dry-run

heading "Bastiaan has not consented, so nothing about him goes to Anouk"
run export --for 2026-041 --about 2026-042 --dry-run

echo
echo "EXPECTED OUTCOME: before Anouk's consent, Bastiaan's plan allows only his own paragraph"
echo "(R1) and withholds Anouk's intake and every paragraph about her under R2, with"
echo "\"Missing consent: Anouk Hendriks-van Dam (2026-041)\". After her consent those items go"
echo "out under R2, and her working note stays withheld (R10). Anouk's plan allows her own"
echo "data (R1) and withholds Bastiaan's paragraph and the paragraphs about both partners"
echo "under R2, with \"Missing consent: Bastiaan Hendriks (2026-042)\"."
