#!/usr/bin/env bash
# Measures backups of a large vault to a local S3 server, for kluis, restic
# and rclone, in one run on this machine. For each vault size and tool it
# runs a full backup, adds one note to the vault, and runs the backup again.
# Then it destroys one couple record (`kluis destroy`) and measures what
# removes its files from the backup: `kluis backup`, `rclone sync`, and
# `restic backup` followed by `restic forget --keep-last 1 --prune`.
# Each backup row gives wall time, peak RSS, the requests by kind and the
# bytes sent and received, as counted by bench/countproxy.py between the
# tool and moto's S3 server. Prints a Markdown table at the end.
#
# Usage: CARGO_TARGET_DIR=/tmp/bench-target bash bench/backup.sh [--large]
#            [--records N] [--tools LIST]
#
#   --large        also measure a vault of 100,000 records. Estimate from the
#                  20,000-record run (11 minutes in all, 7 of them rclone's):
#                  rclone alone needs about 35 minutes for this vault.
#   --records N    records in the first vault (default: 20000). A record is
#                  one object file in objects/, and each note also adds one
#                  journal entry, so a vault has about 2 × N files.
#   --tools LIST   comma-separated tools to measure (default: restic,rclone,kluis)
#
# Environment:
#   CARGO_TARGET_DIR  Cargo's target folder (default: target/ in the crate)
#   BENCH_TMPDIR      parent folder for the vaults (default: /var/tmp). It must
#                     be on disk, with about 1 GiB free per 100,000 records.
#   BENCH_KEEP        set to 1 to keep the temporary folder and its logs
#
# Everything listens on 127.0.0.1 only: moto's server and the counting proxy
# on free ports, both stopped when the script exits. kluis is skipped with a
# message while `kluis backup --help` fails.
#
# Needs: cargo, /usr/bin/time (Debian package `time`), restic and rclone
# (Debian packages), python3 with moto (`pip install 'moto[server]'`), curl.
# eatmydata (Debian package) makes building the vault much faster, because
# kluis syncs every object and journal entry to disk.
set -euo pipefail

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp_parent=${BENCH_TMPDIR:-/var/tmp}
# Published with the repository: these vaults hold only made-up text.
passphrase='kluis backup benchmark passphrase, not secret'
restic_password='restic backup benchmark password, not secret'

sizes=(20000)
tools=restic,rclone,kluis
while (($# > 0)); do
    case $1 in
    --large) large=1 ;;
    --records)
        [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "error: --records needs a whole number, got '${2:-}'" >&2; exit 2; }
        sizes=("$2")
        shift
        ;;
    --tools)
        tools=${2:-}
        shift
        ;;
    *)
        echo "error: unknown argument '$1'. Usage: bash bench/backup.sh [--large] [--records N] [--tools LIST]" >&2
        exit 2
        ;;
    esac
    shift
done
[[ ${large:-} == 1 ]] && sizes+=(100000)
IFS=, read -ra tool_list <<<"$tools"
for tool in "${tool_list[@]}"; do
    case $tool in
    restic | rclone | kluis) ;;
    *) echo "error: unknown tool '$tool' in --tools: expected restic, rclone or kluis" >&2; exit 2 ;;
    esac
done

# --- Tools -----------------------------------------------------------------

missing=()
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (apt-get install -y time)")
command -v curl >/dev/null || missing+=("curl (apt-get install -y curl)")
python3 -c 'import moto.server' 2>/dev/null || missing+=("moto for python3 (pip install 'moto[server]')")
for tool in "${tool_list[@]}"; do
    if [[ $tool != kluis ]] && ! command -v "$tool" >/dev/null; then
        missing+=("$tool (apt-get install -y $tool)")
    fi
done
if ((${#missing[@]} > 0)); then
    printf 'error: missing tool: %s\n' "${missing[@]}" >&2
    exit 1
fi
no_sync=()
no_sync_note=
if command -v eatmydata >/dev/null; then
    no_sync=(eatmydata)
    no_sync_note=" under eatmydata"
else
    echo "warning: eatmydata is not installed, so building the vault syncs every file" \
        "(tens of milliseconds per record). apt-get install -y eatmydata makes it faster." >&2
fi

# --- Build -----------------------------------------------------------------

echo "Building kluis and make_bench_vault in release mode..." >&2
(cd "$repo_dir" && cargo build --release --quiet --bin kluis --example make_bench_vault)
target_dir=${CARGO_TARGET_DIR:-$repo_dir/target}
kluis="$target_dir/release/kluis"
make_vault="$target_dir/release/examples/make_bench_vault"
for binary in "$kluis" "$make_vault"; do
    [[ -x $binary ]] || { echo "error: $binary not found after the build" >&2; exit 1; }
done

# --- Temporary folder and servers ------------------------------------------

work=$(mktemp -d "$tmp_parent/kluis-backup-bench.XXXXXX")
moto_pid=
proxy_pid=
cleanup() {
    local pid
    for pid in $proxy_pid $moto_pid; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        echo "Kept $work" >&2
    else
        rm -rf -- "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fs_type=$(stat -f -c %T "$work")
if [[ $fs_type == tmpfs || $fs_type == ramfs ]]; then
    echo "error: $work is on $fs_type. Set BENCH_TMPDIR to a folder on disk" >&2
    exit 1
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to 30 s until an HTTP server responds on 127.0.0.1:$1 while the
# process $2 runs.
wait_for_port() {
    local port=$1 pid=$2 try
    for ((try = 0; try < 150; try++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.2
    done
    return 1
}

moto_port=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
wait_for_port "$moto_port" "$moto_pid" || { echo "error: moto did not start; see $work/moto.log" >&2; cat "$work/moto.log" >&2; exit 1; }

proxy_port=$(free_port)
counts="$work/counts.json"
python3 "$repo_dir/bench/countproxy.py" --port "$proxy_port" --upstream "$moto_port" \
    --report "$counts" 2>"$work/proxy.log" &
proxy_pid=$!
wait_for_port "$proxy_port" "$proxy_pid" || { echo "error: countproxy did not start" >&2; cat "$work/proxy.log" >&2; exit 1; }
endpoint="http://127.0.0.1:$proxy_port"
echo "moto on 127.0.0.1:$moto_port, countproxy on 127.0.0.1:$proxy_port" >&2

# Has the proxy write its counts since the last call to $counts, and zeroes them.
take_counts() {
    local try
    rm -f -- "$counts"
    kill -USR1 "$proxy_pid"
    for ((try = 0; try < 100; try++)); do
        [[ -f $counts ]] && return 0
        sleep 0.1
    done
    echo "error: countproxy wrote no counts within 10 s" >&2
    exit 1
}

# Creates a bucket directly on moto, so the request is not counted.
make_bucket() {
    curl -sf -o /dev/null -X PUT "http://127.0.0.1:$moto_port/$1" \
        || { echo "error: creating bucket $1 on moto failed" >&2; exit 1; }
}

# --- Client settings ---------------------------------------------------------

# Only the local servers: no proxy from the environment, no credentials,
# configuration or caches from the home folder, no instance metadata.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
# rclone 1.60 fails to start with "unable to load custom CA bundle" whenever
# AWS_CA_BUNDLE is set, and no TLS is used here.
unset AWS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
: >"$work/aws-config"
: >"$work/aws-credentials"
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
export XDG_CACHE_HOME="$work/cache" RESTIC_CACHE_DIR="$work/cache/restic"
export RESTIC_PASSWORD=$restic_password
export RCLONE_S3_PROVIDER=Other RCLONE_S3_ENDPOINT=$endpoint RCLONE_S3_REGION=us-east-1
export RCLONE_S3_ACCESS_KEY_ID=testing RCLONE_S3_SECRET_ACCESS_KEY=testing RCLONE_S3_FORCE_PATH_STYLE=true
export KLUIS_PASSPHRASE=$passphrase

kluis_runs=1
if ! "$kluis" backup --help >/dev/null 2>&1; then
    kluis_runs=0
fi

# --- Measurement -----------------------------------------------------------

# One row per backup: tool, records, phase, wall s, peak RSS MiB, PUT, GET,
# HEAD, LIST, other requests, 4xx/5xx responses, MiB sent, MiB received,
# 1-minute load at start.
results="$work/results.tsv"
: >"$results"
notes="$work/notes.txt"
: >"$notes"

# Runs "$@" under /usr/bin/time with the proxy's counts zeroed first, and
# appends a row for tool $1, records $2 and phase $3. Stops the script with
# the command's log if it fails.
measure() {
    local tool=$1 records=$2 phase=$3
    shift 3
    local log="$work/$tool-$records-${phase// /-}.log" load1
    sync
    take_counts
    load1=$(cut -d' ' -f1 /proc/loadavg)
    echo "  $tool, $records records: backup ($phase)..." >&2
    if ! /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$log" 2>&1; then
        echo "error: command failed: $*" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    take_counts
    python3 - "$counts" "$work/time.txt" "$tool" "$records" "$phase" "$load1" >>"$results" <<'EOF'
import json, sys
counts_file, time_file, tool, records, phase, load1 = sys.argv[1:]
counts = json.load(open(counts_file))
wall, rss_kib = open(time_file).read().split()[-2:]
requests = counts["requests"]
known = ("PUT", "GET", "HEAD", "LIST")
other = sum(n for kind, n in requests.items() if kind not in known)
failed = counts["responses"].get("4xx", 0) + counts["responses"].get("5xx", 0) + counts["proxy_errors"]
row = [tool, records, phase, wall, f"{int(rss_kib) / 1024:.1f}"]
row += [str(requests.get(kind, 0)) for kind in known] + [str(other), str(failed)]
row += [f"{counts['bytes_from_client'] / 2**20:.1f}", f"{counts['bytes_to_client'] / 2**20:.1f}", load1]
print("\t".join(row))
EOF
}

# Adds one note to the vault $1 whose machine memory is in $2 (not timed).
add_note() {
    KLUIS_STATE_DIR=$2 "$make_vault" "$1" --add-note >>"$work/add-note.log" 2>&1 \
        || { echo "error: adding a note to $1 failed" >&2; cat "$work/add-note.log" >&2; exit 1; }
}

# Destroys the couple record K-2020-0001 in the vault $1 whose machine
# memory is in $2 (not timed). Its notes are spread over the whole journal,
# as a long counselling's are, so most packs of a kluis backup hold some.
destroy_one() {
    KLUIS_VAULT=$1 KLUIS_STATE_DIR=$2 "$kluis" destroy K-2020-0001 --reason retention-ended --yes \
        >>"$work/destroy.log" 2>&1 \
        || { echo "error: destroying a dossier in $1 failed" >&2; cat "$work/destroy.log" >&2; exit 1; }
}

run_restic() {
    local records=$1 vault=$2 state=$3 repo="s3:$endpoint/restic-$1"
    make_bucket "restic-$records"
    restic -r "$repo" -o s3.bucket-lookup=path init >"$work/restic-init.log" 2>&1 \
        || { echo "error: restic init failed" >&2; cat "$work/restic-init.log" >&2; exit 1; }
    measure restic "$records" full restic -r "$repo" -o s3.bucket-lookup=path backup "$vault"
    add_note "$vault" "$state"
    measure restic "$records" "after one note" restic -r "$repo" -o s3.bucket-lookup=path backup "$vault"
    destroy_one "$vault" "$state"
    # restic keeps deleted files in older snapshots until they are forgotten
    # and their data pruned.
    measure restic "$records" "after destroying a dossier" bash -c \
        'restic -r "$1" -o s3.bucket-lookup=path backup "$2" && restic -r "$1" -o s3.bucket-lookup=path forget --keep-last 1 --prune' \
        restic-destroy "$repo" "$vault"
}

run_rclone() {
    local records=$1 vault=$2 state=$3 remote=":s3:rclone-$1/vault"
    make_bucket "rclone-$records"
    measure rclone "$records" full rclone --config /dev/null sync "$vault" "$remote"
    add_note "$vault" "$state"
    measure rclone "$records" "after one note" rclone --config /dev/null sync "$vault" "$remote"
    destroy_one "$vault" "$state"
    measure rclone "$records" "after destroying a dossier" rclone --config /dev/null sync "$vault" "$remote"
}

run_kluis() {
    local records=$1 vault=$2 state=$3
    local remote="s3://kluis-$1/vault?endpoint=$endpoint&region=us-east-1&path-style=true"
    make_bucket "kluis-$records"
    export KLUIS_VAULT=$vault KLUIS_STATE_DIR=$state
    measure kluis "$records" full "$kluis" backup "$remote"
    add_note "$vault" "$state"
    measure kluis "$records" "after one note" "$kluis" backup "$remote"
    destroy_one "$vault" "$state"
    measure kluis "$records" "after destroying a dossier" "$kluis" backup "$remote"
    grep -h "destroyed dossiers were removed" "$work/kluis-$records-after-destroying-a-dossier.log" \
        | sed "s/^/- kluis, $records records: /" >>"$notes" || true
    unset KLUIS_VAULT KLUIS_STATE_DIR
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load before: $(uptime)" >&2

for records in "${sizes[@]}"; do
    # Every tool backs up its own copy of the same vault, so all tools back
    # up the same files before and after their added note. The copy keeps its own
    # memory of the journal, because the copies share the vault's id.
    base="$work/vault-$records"
    base_state="$work/state-$records"
    echo "Building a vault of $records records in $base..." >&2
    start=$(date +%s.%N)
    KLUIS_STATE_DIR=$base_state "${no_sync[@]}" "$make_vault" "$base" "$records" 2>"$work/make-$records.log" \
        || { echo "error: building the vault failed" >&2; cat "$work/make-$records.log" >&2; exit 1; }
    sync
    seconds=$(awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { printf "%.0f", end - start }')
    files=$(find "$base" -type f | wc -l)
    objects=$(find "$base/objects" -type f | wc -l)
    apparent_mib=$(( $(du -s --apparent-size -B1 "$base" | cut -f1) / 1048576 ))
    disk_mib=$(( $(du -s -B1 "$base" | cut -f1) / 1048576 ))
    printf -- '- %s records: built in %s s%s; %s files (%s in objects/), %s MiB of file content, %s MiB on disk\n' \
        "$records" "$seconds" "$no_sync_note" "$files" "$objects" "$apparent_mib" "$disk_mib" >>"$notes"

    for tool in "${tool_list[@]}"; do
        if [[ $tool == kluis && $kluis_runs == 0 ]]; then
            echo "- kluis: skipped, because \`kluis backup --help\` failed (this build has no backup command)" >>"$notes"
            continue
        fi
        vault="$work/$tool-vault-$records"
        state="$work/$tool-state-$records"
        cp -a -- "$base" "$vault"
        cp -a -- "$base_state" "$state"
        "run_$tool" "$records" "$vault" "$state"
        rm -rf -- "$vault" "$state"
    done
    rm -rf -- "$base" "$base_state"
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load after: $(uptime)" >&2

# --- Report ----------------------------------------------------------------

echo
echo "Backups to moto $(python3 -c 'import moto; print(moto.__version__)') on 127.0.0.1 through bench/countproxy.py."
echo "kluis $(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo '(no git)');" \
    "$(restic version 2>/dev/null | cut -d' ' -f1-2 || true); $(rclone version 2>/dev/null | head -n1 || true)."
echo "Load averages (1, 5, 15 min): before $load_before, after $load_after. CPUs: $(nproc)."
echo
cat "$notes"
echo
echo "| tool | records | backup | wall s | peak RSS MiB | PUT | GET | HEAD | LIST | other | 4xx/5xx | MiB sent | MiB received | 1-min load at start |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while IFS=$'\t' read -ra row; do
    printf '| %s ' "${row[@]}"
    printf '|\n'
done <"$results"
