#!/usr/bin/env bash
# Situation 3: after the counselling, one partner asks for more, for example
# during a contentious divorce. Anouk's consent from during the counselling
# states that it also holds afterwards. The ABvC guidance still requires her
# to confirm it again first, because her situation may have changed. Without
# the re-verification nothing about her goes to Bastiaan (R5), and with it
# her data goes out (R2). Bastiaan's consent does not hold after the
# counselling at all (R4).
#
# Runs the kluis binary in KLUIS_BIN, or target/release/kluis in the
# repository. Building it is the caller's job:
#   cargo build --release && bash examples/scenarios/situation-3.sh
# Everything happens in a throwaway vault in a temporary folder that is
# removed on exit.
set -euo pipefail
source "$(dirname "$0")/common.sh"

heading "Situation 3: after the counselling, one partner asks for more"
echo "Both partners consented during the counselling: Anouk also for the time after it,"
echo "Bastiaan only for the counselling itself. The counselling ended on 2026-10-30."
echo "On 2026-11-20, in the middle of a contentious divorce, Bastiaan asks for Anouk's data."

run init --recovery-key-file recovery-key.txt
add_sample_couple

cat >intake-anouk.md <<'EOF'
Individuele intake Anouk Hendriks-van Dam (2026-041), 2026-03-02.

Hulpvraag: helderheid over wel of niet samen verder, en in beide gevallen goed ouderschap.
EOF
run note add 2026-041 --kind intake --date 2026-03-02 --file intake-anouk.md

cat >gezamenlijk-gesprek.md <<'EOF'
[A+B] Gezamenlijk gesprek op 2026-09-28. Beiden vertellen dat ze hebben besloten te scheiden.

[A] Anouk wil dat de kinderen doordeweeks bij haar wonen.

[B] Bastiaan wil co-ouderschap, ook als hij verhuist.

[A+B] Afspraak: een afrondend gesprek op 2026-10-30 en verwijzing naar een mediator.
EOF
printf '\n$ cat gezamenlijk-gesprek.md\n'
cat gezamenlijk-gesprek.md
run note add K-2026-017 --kind session --date 2026-09-28 --file gezamenlijk-gesprek.md

heading "Consents signed during the counselling"
# Anouk's scanned form also states "valid until 2027-12-31". --until is left
# out so that this scenario gives the same result after that day.
run consent record --grantor 2026-041 --to 2026-042 --form toestemmingsformulier-a.pdf \
  --after-end --signed-on 2026-03-16 --from 2026-03-16 \
  --purpose "Inzage in het dossier tijdens en na de begeleiding"
# The sample case has no scan of a form from Bastiaan, so a text file is
# used in its place. kluis stores any file as the scan.
cat >toestemmingsformulier-b.txt <<'EOF'
Toestemmingsverklaring (vervangend voorbeeld, geen echte scan)
Ik, Bastiaan Hendriks (2026-042), geef toestemming om informatie over mij uit
het dossier met mijn partner Anouk Hendriks-van Dam te delen, alleen zolang de
begeleiding duurt.
Datum: 2026-03-23   Handtekening: B. Hendriks
EOF
run consent record --grantor 2026-042 --to 2026-041 --form toestemmingsformulier-b.txt \
  --signed-on 2026-03-23 --from 2026-03-23 \
  --purpose "Uitwisseling met mijn partner, alleen tijdens de begeleiding"

heading "The counselling ends"
run end 2026-041 --date 2026-10-30
run end 2026-042 --date 2026-10-30
run end K-2026-017 --date 2026-10-30

heading "Bastiaan's request of 2026-11-20, before re-verification"
echo "Anouk's consent dates from before the end, so it counts for this request only once"
echo "she has confirmed it again. Until then everything about her is withheld (R5):"
run export --for 2026-042 --about 2026-041 --requested-on 2026-11-20 --dry-run

heading "Anouk confirms her consent by e-mail; the counsellor records it"
list_consents_and_find 2026-041 2026-041 2026-042
run consent reverify "$consent_id" --form herbevestiging-a.eml

heading "The same request, after re-verification"
echo "Anouk's data now goes out to Bastiaan (R2):"
run export --for 2026-042 --about 2026-041 --requested-on 2026-11-20 --dry-run

heading "Anouk asks for Bastiaan's data on the same day"
echo "Bastiaan's consent does not hold after the counselling (R4), so nothing about him goes out:"
run export --for 2026-041 --about 2026-042 --requested-on 2026-11-20 --dry-run

echo
echo "EXPECTED OUTCOME: before re-verification, Bastiaan's plan withholds Anouk's intake and"
echo "every paragraph about her under R5 (the request came after the counselling ended),"
echo "with \"Missing consent: Anouk Hendriks-van Dam (2026-041)\" and only his own data"
echo "allowed (R1). After the re-verification the same request allows them under R2."
echo "Anouk's request for Bastiaan's data withholds his paragraph and the paragraphs about"
echo "both partners under R4, because his consent does not hold after the counselling."
