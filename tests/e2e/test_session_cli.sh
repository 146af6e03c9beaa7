#!/usr/bin/env bash
# The session commands end to end on a fresh SQLite store: patient add -> session record
# (a real replay through the live pipeline, 20x speed) -> list/show -> every export ->
# import into a second store -> export again (byte-identical JSON), plus the bad-input
# paths: unknown patient, malformed import, unwritable output, newer schema.
set -euo pipefail
RESPIRA=${1:?usage: test_session_cli.sh /path/to/respira}
DATA=${RESPIRA_TEST_DATA_DIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
DB="$T/store/respira.db"

P=$("$RESPIRA" patient add "Maria =cmd|' /C calc'!A0" --db "$DB")
[[ $P =~ ^P-[0-9A-Z]{8}$ ]] || fail "patient add printed '$P'"
"$RESPIRA" patient list --db "$DB" | grep -q "$P" || fail "patient list lacks $P"
[[ $(stat -c %a "$T/store") == 700 ]] || fail "store directory not 0700"
[[ $(stat -c %a "$DB") == 600 ]] || fail "database not 0600"

# 120 s of a real respiration belt (BIDMC record 1) replayed at 20x.
"$RESPIRA" session record --patient "$P" --source "replay:$DATA/bidmc/bidmc_01_Signals.csv@20" --duration 120 \
  --pre-tension 7 --post-tension 4 --place clinic --pacer-rate 12 --pacer-ie 1:1.5 \
  --region upper_trapezius=6:3 --region jaw=4 --notes "first visit" --db "$DB" > "$T/record.txt"
cat "$T/record.txt"
S=$(awk '/^recording session/{print $3}' "$T/record.txt")
[[ $S =~ ^S-[0-9A-Z]{12}$ ]] || fail "no session id in record output"
grep -q "completed: 120.0 s" "$T/record.txt" || fail "session not completed"

"$RESPIRA" session list --patient "$P" --db "$DB" | grep -q "$S" || fail "session list lacks $S"
"$RESPIRA" session show "$S" --db "$DB" > "$T/show.txt"
grep -q "status          completed" "$T/show.txt" || fail "show: status"
grep -q "tension         7 -> 4" "$T/show.txt" || fail "show: tension"
grep -q "upper_trapezius 6 -> 3" "$T/show.txt" || fail "show: region"
SAMPLES=$(awk '/^waveform/{print $2}' "$T/show.txt")
(( SAMPLES >= 2990 && SAMPLES <= 3000 )) || fail "expected ~3000 waveform samples at 25 Hz, got $SAMPLES"
BREATHS=$(awk '/^breaths/{print $2}' "$T/show.txt")
# Annotator 1 marks 45 breaths in BIDMC 01's first 120 s (44 complete intervals); the
# detector needs a few seconds to lock on and the last breath may be open at the end.
(( BREATHS >= 40 && BREATHS <= 45 )) || fail "breath count $BREATHS out of range 40-45"

for f in csv json fhir html edf; do
  "$RESPIRA" export --patient "$P" --format $f --out "$T/out.$f" --db "$DB" > /dev/null
done
[[ -s $T/out.csv && -s $T/out_breaths.csv && -s $T/out_ratings.csv ]] || fail "csv files missing"
grep -q "^$S,$P," "$T/out.csv" || fail "sessions.csv row"
[[ $(($(wc -l < "$T/out_breaths.csv") - 1)) == "$BREATHS" ]] || fail "breaths.csv rows != breaths"
grep -q "'=cmd" "$T/out.json" && fail "JSON must keep the name verbatim"
/usr/bin/python3 - "$T" "$P" <<'PY'
import json, sys
t, p = sys.argv[1], sys.argv[2]
b = json.load(open(f"{t}/out.fhir"))
assert b["resourceType"] == "Bundle" and b["type"] == "collection"
obs = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Observation"]
rr = [o for o in obs if o["code"]["coding"][0]["code"] == "9279-1"]
assert len(rr) == 1 and rr[0]["valueQuantity"]["code"] == "/min", rr
assert all(o["subject"]["reference"] == f"Patient/{p}" for o in obs)
html = open(f"{t}/out.html").read()
# two report charts plus the progress section's tension chart
assert html.count("<svg") == 3 and "Programme and progress" in html and "Maria =cmd" in html, html.count("<svg")
PY
head -c 8 "$T/out.edf" | grep -q "^0 " || fail "EDF header"

# Import into a second store and export again: byte-identical.
"$RESPIRA" import "$T/out.json" --db "$T/second.db" | grep -q "1 sessions (0 already present)" || fail "import"
"$RESPIRA" export --patient "$P" --format json --out "$T/again.json" --db "$T/second.db" > /dev/null
cmp "$T/out.json" "$T/again.json" || fail "export -> import -> export is not byte-identical"
"$RESPIRA" import "$T/out.json" --db "$T/second.db" | grep -q "0 sessions (1 already present)" || fail "re-import"

# Bad input: one clear message, non-zero exit, nothing damaged.
expect_error() {  # expect_error PATTERN command...
  local pattern=$1; shift
  if "$@" > "$T/err.out" 2> "$T/err.txt"; then fail "should have failed: $*"; fi
  grep -q "$pattern" "$T/err.txt" || { cat "$T/err.txt"; fail "message lacks '$pattern': $*"; }
  [[ $(wc -l < "$T/err.txt") == 1 ]] || { cat "$T/err.txt"; fail "more than one line: $*"; }
}
cp "$T/out.json" "$T/keep.json"
expect_error "unknown patient 'P-NOBODY'" "$RESPIRA" session record --patient P-NOBODY --source synthetic:6 --duration 2 --db "$DB"
expect_error "unknown patient 'P-NOBODY'" "$RESPIRA" export --patient P-NOBODY --format json --out "$T/x.json" --db "$DB"
head -c 500 "$T/out.json" > "$T/broken.json"
expect_error "broken.json: not valid JSON" "$RESPIRA" import "$T/broken.json" --db "$DB"
expect_error "cannot create a file in $T/no/such" "$RESPIRA" export --patient "$P" --format json --out "$T/no/such/x.json" --db "$DB"
expect_error "rating from 0 to 10" "$RESPIRA" session record --patient "$P" --source synthetic:6 --duration 2 --region neck=12 --db "$DB"
cmp "$T/out.json" "$T/keep.json" || fail "a failed command changed an existing export"
# A full disk (file-size limit) while exporting leaves the old export as it was.
# The limit sits above SQLite's 32 KiB shared-memory file and below the export's size.
BLOCKS=$(( $(stat -c %s "$T/out.json") / 2 / 512 ))
(( BLOCKS >= 64 )) || fail "export too small for the file-size test"
( ulimit -f $BLOCKS; expect_error "disk is full" "$RESPIRA" export --patient "$P" --format json --out "$T/out.json" --db "$DB" )
cmp "$T/out.json" "$T/keep.json" || fail "a failed export damaged the existing file"
# A database from a newer Respira is refused untouched.
cp "$T/second.db" "$T/future.db"
/usr/bin/python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO respira_schema VALUES (42,'future','x')\"); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()" "$T/future.db"
SUM=$(sha256sum < "$T/future.db")
expect_error "newer than this Respira" "$RESPIRA" patient list --db "$T/future.db"
[[ $(sha256sum < "$T/future.db") == "$SUM" ]] || fail "newer-schema database was modified"
echo "PASS: session CLI ($BREATHS breaths, $SAMPLES samples)"
