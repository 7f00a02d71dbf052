# Shared set-up for the situation-N.sh scripts, which source this file; it is
# not meant to be run on its own.
#
# It finds the kluis binary: KLUIS_BIN, or target/release/kluis in the
# repository (building it is the caller's job). It then creates a throwaway
# vault in a new temporary folder that is removed on exit, makes that folder
# the working directory, and defines the helpers that echo each command.

scenarios_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$scenarios_dir/../.." && pwd)
sample_case="$repo_root/examples/sample-case"

kluis=${KLUIS_BIN:-$repo_root/target/release/kluis}
# A relative KLUIS_BIN is relative to the caller's folder, not to the
# temporary folder the commands run in.
case $kluis in
  /*) ;;
  *) kluis="$PWD/$kluis" ;;
esac
if [[ ! -x $kluis ]]; then
  echo "error: kluis binary not found or not executable: $kluis" >&2
  echo "hint: build it first with cargo build --release, or set KLUIS_BIN to the binary." >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KLUIS_VAULT="$work/vault"
# A throwaway passphrase for this demonstration only. Real use: leave
# KLUIS_PASSPHRASE unset and kluis prompts for the passphrase without echo.
export KLUIS_PASSPHRASE="scenario-demo-kluis-2026"
unset KLUIS_PASSPHRASE_FILE
cd "$work"

# The sample scans are copied in, so the echoed commands name them as a
# counsellor would type them.
cp "$sample_case/toestemmingsformulier-a.pdf" "$sample_case/herbevestiging-a.eml" .

# Prints a section heading.
heading() {
  printf '\n== %s\n' "$1"
}

# Prints a command as `$ kluis ARGS`, quoting arguments with spaces or other
# special characters the way a shell user would type them.
show_command() {
  local line='$ kluis' arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=@+,-]+$ ]]; then
      line+=" $arg"
    else
      line+=" '${arg//\'/\'\\\'\'}'"
    fi
  done
  printf '\n%s\n' "$line"
}

# Echoes and runs a kluis command. Its standard error (messages and export
# plans) goes to standard output, so the two stay in order.
run() {
  show_command "$@"
  "$kluis" "$@" 2>&1
}

# Echoes and runs a kluis command that must fail, then prints its exit
# status. Exits the script if the command succeeds.
run_expecting_failure() {
  show_command "$@"
  local status=0
  "$kluis" "$@" 2>&1 || status=$?
  if ((status == 0)); then
    echo "error: kluis accepted a command this scenario expects it to reject" >&2
    exit 1
  fi
  echo "(exit status $status)"
}

# Echoes and runs `kluis consent list DOSSIER`, and stores in consent_id the
# identifier of the listed consent from GRANTOR to RECIPIENT (registration
# numbers). Exits the script if there is none.
list_consents_and_find() {
  local dossier=$1 grantor=$2 recipient=$3 listing
  show_command consent list "$dossier"
  listing=$("$kluis" consent list "$dossier" 2>&1)
  printf '%s\n' "$listing"
  consent_id=$(awk -v from="($grantor) → " -v to="($recipient)" '
    index($0, from) && index($0, to) > index($0, from) { print $1; exit }' <<<"$listing")
  if [[ -z $consent_id ]]; then
    echo "error: no consent from $grantor to $recipient in the list above" >&2
    exit 1
  fi
}

# Adds the dossiers of the sample couple, Anouk (partner A) and Bastiaan
# (partner B), and the couple record linking them, all starting 2026-03-02.
add_sample_couple() {
  run person add --registration 2026-041 --name "Anouk Hendriks-van Dam" --start 2026-03-02
  run person add --registration 2026-042 --name "Bastiaan Hendriks" --start 2026-03-02
  run couple add --registration K-2026-017 --partner-a 2026-041 --partner-b 2026-042 --start 2026-03-02
}
