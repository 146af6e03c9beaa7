#!/usr/bin/env bash
# Storage faults end to end with the real binary: a full disk while recording (a file-size
# limit, ulimit -f; the kernel's SIGXFSZ must become an error, not a kill) and read-only
# directories and databases, for recording and for exports. (A full disk during export is
# covered by test_session_cli.sh.) Each time: non-zero exit, one clear
# "respira: ..." message, no crash, and nothing that existed before is damaged — the
# database passes integrity_check and still exports byte for byte the same record, and
# existing export files keep their content with no temporary files left behind.
# Root ignores permission bits, so as root the read-only cases run without
# CAP_DAC_OVERRIDE (setpriv), which makes the bits apply to root too.
set -euo pipefail
respira=${1:?usage: test_reliability_storage.sh /path/to/respira}
data=${RESPIRA_TEST_DATA_DIR:?RESPIRA_TEST_DATA_DIR not set}
work=$(mktemp -d)
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
unset RESPIRA_DATABASE_URL
mkdir -p "$HOME"
db=$work/store/respira.db
replay="replay:$data/bidmc/bidmc_01_Signals.csv@100"

# as_owner_only CMD...: run with permission bits enforced even for root.
as_owner_only() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search -- "$@"
  else
    "$@"
  fi
}
integrity() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' "$1"; }
session_count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sessions").fetchone()[0])' "$1"; }
# expect_failure NAME CMD...: must exit non-zero, not by a signal, with one clear message.
expect_failure() {
  local name=$1; shift
  local rc=0
  "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  [[ $rc -ne 0 ]] || fail "$name: expected a failure, got success"
  [[ $rc -lt 128 ]] || fail "$name: killed by signal $((rc - 128)) instead of reporting the error"
  grep -q '^respira: ' "$work/$name.err" || fail "$name: no 'respira: ...' message: $(cat "$work/$name.err")"
  echo "$name -> exit $rc: $(grep -m1 '^respira: ' "$work/$name.err")"
}

# A record worth protecting: one patient, one completed session, its JSON export.
patient=$("$respira" patient add "Storage Test" --db "$db" | tail -n1)
"$respira" session record --db "$db" --patient "$patient" --source "$replay" --duration 300 >/dev/null
"$respira" export --db "$db" --patient "$patient" --format json --out "$work/before.json"
[[ $(session_count "$db") -eq 1 ]] || fail "setup: expected one session"

check_store_intact() {  # the database still holds exactly the record it held before
  local what=$1
  [[ $(integrity "$db") == ok ]] || fail "$what: integrity_check failed"
  "$respira" export --db "$db" --patient "$patient" --format json --out "$work/after.json"
  python3 - "$work/before.json" "$work/after.json" <<'PY' || fail "$what: the existing session changed"
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:])
first = before["sessions"][0]
match = [s for s in after["sessions"] if s["id"] == first["id"]]
assert match and match[0] == first, "existing session differs"
assert after["patients"] == before["patients"]
PY
}

# 1. Full disk while recording: the database may not grow by more than a few KB.
size_kb=$(( ( $(stat -c %s "$db") + 1023 ) / 1024 ))
expect_failure record_full_disk bash -c "ulimit -f $((size_kb + 8)); exec \"\$@\"" _ \
  "$respira" session record --db "$db" --patient "$patient" --source "$replay" --duration 600
grep -q "reached the file-size limit (ulimit -f); nothing was changed" "$work/record_full_disk.err" ||
  fail "full disk while recording: the message does not say the size limit was reached: $(cat "$work/record_full_disk.err")"
check_store_intact "full disk while recording"

# 2. Read-only export directory: clear error naming the path, existing files untouched.
ro=$work/readonly_exports
mkdir -p "$ro"
cp "$work/before.json" "$ro/record.json"
chmod 0500 "$ro"
for fmt in json csv html edf fhir; do
  target=$ro/record.json; [[ $fmt == json ]] || target=$ro/new.$fmt
  expect_failure "export_readonly_$fmt" as_owner_only \
    "$respira" export --db "$db" --patient "$patient" --format $fmt --out "$target"
  grep -q "$ro" "$work/export_readonly_$fmt.err" || fail "read-only export ($fmt): the message does not name the place"
done
chmod 0700 "$ro"
cmp -s "$work/before.json" "$ro/record.json" || fail "read-only directory: the existing export changed"
[[ $(ls -A "$ro") == record.json ]] || fail "read-only directory: files appeared: $(ls -A "$ro")"

# 3. Read-only database (file and directory): recording and adding refuse clearly, and
# the database is bit for bit what it was.
chmod 0400 "$db"; chmod 0500 "$(dirname "$db")"
sum_before=$(sha256sum "$db" | cut -d' ' -f1)
expect_failure record_readonly_db as_owner_only \
  "$respira" session record --db "$db" --patient "$patient" --source "$replay" --duration 30
expect_failure patient_add_readonly_db as_owner_only "$respira" patient add "Nobody" --db "$db"
[[ $(sha256sum "$db" | cut -d' ' -f1) == "$sum_before" ]] || fail "read-only database: the file changed"
chmod 0700 "$(dirname "$db")"; chmod 0600 "$db"
check_store_intact "read-only database"

# 4. A database in a directory that cannot be created: clear error, no crash.
mkdir -p "$work/locked"; chmod 0500 "$work/locked"
expect_failure db_dir_uncreatable as_owner_only "$respira" patient list --db "$work/locked/sub/respira.db"
chmod 0700 "$work/locked"
[[ ! -e $work/locked/sub ]] || fail "a directory appeared in a read-only parent"
echo "storage faults: every failure reported clearly, nothing existing damaged"
