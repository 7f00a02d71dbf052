#!/usr/bin/env bash
# Situation 1: a couple comes in together. Both partners sign a written
# consent to exchange information with each other, each saying whether it
# also holds after the counselling ends. A partner consent never covers a
# third party: Anouk's lawyer gets nothing until she signs a consent naming
# the lawyer, and even then only what is about her alone.
#
# Runs the kluis binary in KLUIS_BIN, or target/release/kluis in the
# repository. Building it is the caller's job:
#   cargo build --release && bash examples/scenarios/situation-1.sh
# Everything happens in a throwaway vault in a temporary folder that is
# removed on exit.
set -euo pipefail
source "$(dirname "$0")/common.sh"

heading "Situation 1: a couple comes in together"
echo "Anouk (partner A) and Bastiaan (partner B) start relationship counselling together."
echo "The counsellor asks both for written consent to exchange information about each"
echo "with the other. Such a consent never covers a third party such as a lawyer."

run init --recovery-key-file recovery-key.txt
add_sample_couple

cat >gezamenlijke-intake.md <<'EOF'
[A+B] Gezamenlijke intake op 2026-03-02. Anouk en Bastiaan zijn sinds 2013 getrouwd en hebben twee kinderen. Ze melden zich samen aan wegens toenemende afstand en ruzies.

[A] Anouk voelt zich sinds het overlijden van haar vader thuis alleen staan. Ze wil een vast moment per week om over de kinderen en geld te praten.

[B] Bastiaan trekt zich terug in zijn werk als het thuis gespannen is. Hij zegt weinig ruimte te voelen voor zijn eigen wensen.

[A+B] Afspraak: beiden krijgen een toestemmingsformulier mee voor het uitwisselen van informatie met elkaar. Een advocaat of huisarts valt daar niet onder.
EOF
printf '\n$ cat gezamenlijke-intake.md\n'
cat gezamenlijke-intake.md
run note add K-2026-017 --kind intake --date 2026-03-02 --file gezamenlijke-intake.md

cat >intake-anouk.md <<'EOF'
Individuele intake Anouk Hendriks-van Dam (2026-041), 2026-03-02.

Hulpvraag: "We praten langs elkaar heen." Ze slaapt slecht en twijfelt of ze het huwelijk wil voortzetten.
EOF
run note add 2026-041 --kind intake --date 2026-03-02 --file intake-anouk.md

heading "Both partners sign a consent for each other"
echo "Anouk's form states that it also holds after the counselling (--after-end); Bastiaan's does not."
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
begeleiding duurt. Niet aan derden.
Datum: 2026-03-16   Handtekening: B. Hendriks
EOF
run consent record --grantor 2026-042 --to 2026-041 --form toestemmingsformulier-b.txt \
  --signed-on 2026-03-16 --from 2026-03-16 \
  --purpose "Uitwisseling met mijn partner, alleen tijdens de begeleiding"
run consent list

heading "During the counselling each partner asks for the other's data"
echo "Both consents are active, so each partner receives the other's paragraphs (R2)."
run export --for 2026-042 --about 2026-041 --dry-run
run export --for 2026-041 --about 2026-042 --dry-run

heading "Anouk's lawyer asks for her data: the partner consent does not cover him"
run export --third-party "mr. J. de Vries" --role advocaat --about 2026-041 --about K-2026-017 --dry-run

heading "Anouk signs a separate consent naming her lawyer"
cat >toestemming-advocaat-a.txt <<'EOF'
Toestemmingsverklaring derde (vervangend voorbeeld, geen echte scan)
Ik, Anouk Hendriks-van Dam (2026-041), geef toestemming om informatie over mij
uit het dossier te delen met mijn advocaat mr. J. de Vries, voor de
echtscheidingsprocedure.
Datum: 2026-06-08   Handtekening: A. Hendriks-van Dam
EOF
run consent record --grantor 2026-041 --third-party "mr. J. de Vries" --role advocaat \
  --form toestemming-advocaat-a.txt --signed-on 2026-06-08 --from 2026-06-08 \
  --purpose "Informatie voor de echtscheidingsprocedure"
echo "Paragraphs about both partners also need Bastiaan's consent for the lawyer (R3),"
echo "and he has given none, so only what is about Anouk alone goes out:"
run export --third-party "mr. J. de Vries" --role advocaat --about 2026-041 --about K-2026-017 --dry-run

echo
echo "EXPECTED OUTCOME: with both partner consents, Bastiaan's plan allows Anouk's paragraphs"
echo "and Anouk's plan allows Bastiaan's paragraphs (R2). Under the partner consents alone"
echo "the lawyer gets nothing: every item is withheld under R3 (\"Goes out (0)\"). After Anouk's"
echo "consent naming the lawyer, her own paragraph and her dossier go out to him (R3), while"
echo "the paragraphs about both partners and Bastiaan's paragraph stay withheld, because"
echo "Bastiaan has not consented to the lawyer."
