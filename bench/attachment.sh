#!/usr/bin/env bash
# Measures wall time and maximum resident set size of kluis on a 1 GiB
# attachment (attach, export, decrypt the export, show, check), next to rage and the
# Go age CLI encrypting and decrypting the same file. It prints a Markdown
# table and does not fail when a number is slow, only when a command fails.
#
# Usage: CARGO_TARGET_DIR=/tmp/bench-target bash bench/attachment.sh
#
# Environment:
#   CARGO_TARGET_DIR  Cargo's target folder (default: target/ in the crate)
#   BENCH_RUNS        timed runs per operation, median reported (default: 3)
#   BENCH_TMPDIR      parent folder for the temporary files (default: /var/tmp).
#                     It must be on disk, not tmpfs, with about 6 GiB free.
#   BENCH_SIZE        size of the random file, as `head -c` takes it (default: 1G)
#
# Needs: cargo, /usr/bin/time (Debian package `time`), age and age-keygen
# (Debian package `age`), rage (`cargo install rage`), sha256sum, cmp, tar.
set -euo pipefail

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${BENCH_RUNS:-3}
size=${BENCH_SIZE:-1G}
tmp_parent=${BENCH_TMPDIR:-/var/tmp}
passphrase='throwaway-bench-passphrase'
registration='2026-001'

# --- Tools -----------------------------------------------------------------

PATH="$PATH:$HOME/.cargo/bin"
missing=()
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (apt-get install -y time)")
command -v age >/dev/null || missing+=("age (apt-get install -y age)")
command -v age-keygen >/dev/null || missing+=("age-keygen (apt-get install -y age)")
command -v rage >/dev/null || missing+=("rage (cargo install rage)")
if ((${#missing[@]} > 0)); then
    printf 'error: missing tool: %s\n' "${missing[@]}" >&2
    exit 1
fi
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
    echo "error: BENCH_RUNS must be a positive integer, got '$runs'" >&2
    exit 1
fi

# --- Build -----------------------------------------------------------------

echo "Building kluis in release mode..." >&2
(cd "$repo_dir" && cargo build --release --quiet)
target_dir=${CARGO_TARGET_DIR:-$repo_dir/target}
kluis="$target_dir/release/kluis"
[[ -x $kluis ]] || { echo "error: $kluis not found after the build" >&2; exit 1; }

# --- Temporary folder ------------------------------------------------------

work=$(mktemp -d "$tmp_parent/kluis-bench.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

fs_type=$(stat -f -c %T "$work")
if [[ $fs_type == tmpfs || $fs_type == ramfs ]]; then
    echo "error: $work is on $fs_type. Set BENCH_TMPDIR to a folder on disk" >&2
    exit 1
fi

export KLUIS_PASSPHRASE=$passphrase
# The machine's memory of verified vaults stays in the temporary folder.
export KLUIS_STATE_DIR="$work/state"
big="$work/big.bin"
echo "Writing $size of random data to $big..." >&2
head -c "$size" /dev/urandom >"$big"
size_mib=$(( $(stat -c %s "$big") / 1048576 ))

age-keygen -o "$work/key.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/key.txt")

# --- Measurement -----------------------------------------------------------

# One row per timed run: operation<TAB>wall_s<TAB>rss_mib<TAB>cpu_s<TAB>load1
results="$work/results.tsv"
: >"$results"

# Runs "$@" with standard output discarded and standard error kept in a log.
# If the command fails, prints the log and stops the script.
quiet() {
    local log="$work/stderr.txt"
    if ! "$@" >/dev/null 2>"$log"; then
        echo "error: command failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

# Runs "$@" under /usr/bin/time -v after flushing dirty pages, so that one
# command's fsync does not pay for the previous command's writes. Appends a
# row for operation $1 to $results.
measure() {
    local operation=$1
    shift
    local report="$work/time.txt"
    local load1
    sync
    load1=$(cut -d' ' -f1 /proc/loadavg)
    quiet /usr/bin/time -v -o "$report" "$@"
    awk -F': ' -v op="$operation" -v load1="$load1" '
        /Elapsed \(wall clock\) time/ {
            n = split($2, part, ":")
            wall = (n == 3) ? part[1] * 3600 + part[2] * 60 + part[3] : part[1] * 60 + part[2]
        }
        /User time \(seconds\)/ { user = $2 }
        /System time \(seconds\)/ { sys = $2 }
        /Maximum resident set size \(kbytes\)/ { rss = $2 / 1024 }
        END { printf "%s\t%.2f\t%.1f\t%.2f\t%s\n", op, wall, rss, user + sys, load1 }
    ' "$report" >>"$results"
}

# Creates a fresh vault with one person dossier in folder $1 (not timed).
new_vault() {
    quiet "$kluis" init --vault "$1" --recovery-key-file "$1.recovery"
    quiet "$kluis" person add --vault "$1" --registration "$registration" \
        --name "Test Cliënt" --start 2026-01-01
}

echo "load before: $(uptime)" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for ((run = 1; run <= runs; run++)); do
    echo "Run $run of $runs..." >&2

    measure "sha256sum (reference: hashing only)" sha256sum "$big"

    # Each run gets its own vault, so every vault contains exactly one
    # attachment and the export below contains only that file.
    vault="$work/vault"
    rm -rf -- "$vault" "$vault.recovery"
    new_vault "$vault"
    # Before show, attach and export, kluis decrypts its passphrase-protected
    # identity with age's scrypt. This row measures that cost alone.
    measure "kluis show (unlock, journal the read, list)" "$kluis" show --vault "$vault" "$registration"
    measure "kluis attach" "$kluis" attach --vault "$vault" "$registration" "$big"

    export_file="$work/export.age"
    rm -f -- "$export_file"
    measure "kluis export (to age1 recipient)" "$kluis" export --vault "$vault" \
        --for "$registration" --recipient "$recipient" -o "$export_file" --yes
    measure "age -d of the kluis export" age -d -i "$work/key.txt" -o /dev/null "$export_file"
    measure "kluis check (quick: skips attachment content)" "$kluis" check --vault "$vault"
    measure "kluis check --full (reads every byte)" "$kluis" check --vault "$vault" --full

    shown="$work/shown.bin"
    rm -f -- "$shown"
    measure "kluis show --attachment 1 -o FILE" "$kluis" show --vault "$vault" \
        "$registration" --attachment 1 -o "$shown"
    cmp "$big" "$shown"
    rm -f -- "$shown"

    rm -f -- "$work/rage.age" "$work/age.age"
    measure "rage -r (encrypt)" rage -r "$recipient" -o "$work/rage.age" "$big"
    measure "age -r (encrypt)" age -r "$recipient" -o "$work/age.age" "$big"
    measure "rage -d (decrypt)" rage -d -i "$work/key.txt" -o /dev/null "$work/rage.age"
    measure "age -d (decrypt)" age -d -i "$work/key.txt" -o /dev/null "$work/age.age"
    rm -f -- "$work/rage.age" "$work/age.age"
done

# The export must contain the attachment unchanged (checked once, not timed).
age -d -i "$work/key.txt" "$export_file" \
    | tar -xO --wildcards "kluis-export/$registration/attachments/*" \
    | cmp - "$big"
echo "Checked: kluis show output and the attachment in the export equal the original." >&2

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load after: $(uptime)" >&2

# --- Report ----------------------------------------------------------------

# Prints "median (min–max)" of the numbers on standard input. With an even
# count the lower of the two middle values is the median.
summarize() {
    sort -g | awk '
        { v[NR] = $1 }
        END {
            median = v[int((NR + 1) / 2)]
            if (NR == 1) printf "%s", median
            else printf "%s (%s–%s)", median, v[1], v[NR]
        }'
}

echo
echo "File: $size_mib MiB of random data. Runs per operation: $runs; median (min–max)."
echo "Load averages (1, 5, 15 min): before $load_before, after $load_after."
echo
echo "| operation | wall s | max RSS MiB | CPU s (user+sys) | 1-min load at start |"
echo "| --- | --- | --- | --- | --- |"
cut -f1 "$results" | awk '!seen[$0]++' | while IFS= read -r operation; do
    rows=$(awk -F'\t' -v op="$operation" '$1 == op' "$results")
    wall=$(cut -f2 <<<"$rows" | summarize)
    rss=$(cut -f3 <<<"$rows" | summarize)
    cpu=$(cut -f4 <<<"$rows" | summarize)
    load=$(cut -f5 <<<"$rows" | summarize)
    echo "| $operation | $wall | $rss | $cpu | $load |"
done
