#!/usr/bin/env bash
# The clinical loop from the command line on a fresh SQLite store: sessions recorded from a
# real respiration belt (BIDMC record 1, replayed at 20x) -> `programme set --default` from the
# measured resting rate -> a clinician's programme with K = 1 -> sessions that advance and a
# marked flare-up that steps back -> `progress` (text and JSON) and `programme show`, plus the
# bad-input paths (unknown patient, malformed stage, no programme, bad time); then the same
# loop against a real PostgreSQL 15 server.
set -euo pipefail
RESPIRA=${1:?usage: test_progress_cli.sh /path/to/respira}
DATA=${RESPIRA_TEST_DATA_DIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
DB="$T/respira.db"
BELT="replay:$DATA/bidmc/bidmc_01_Signals.csv@20"

json_get() {  # json_get FILE PYTHON_EXPRESSION_ON_d
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

P=$("$RESPIRA" patient add "Progress patient" --db "$DB")
record() {  # record PRE POST PLACE [extra options]
  local pre=$1 post=$2 place=$3; shift 3
  "$RESPIRA" session record --patient "$P" --source "$BELT" --duration 60 --pre-tension "$pre" \
    --post-tension "$post" --place "$place" --pacer-rate 12 --pacer-ie 1:1.5 --db "$DB" "$@" > /dev/null
}

# No sessions yet: the default ladder needs a measured resting rate.
if "$RESPIRA" programme set --patient "$P" --default --db "$DB" 2> "$T/err.txt"; then fail "default without a baseline"; fi
grep -q "no resting breathing rate measured for $P" "$T/err.txt" || fail "baseline message: $(cat "$T/err.txt")"

record 7 5 clinic --region upper_trapezius=7:4 --notes "assessment"
"$RESPIRA" programme set --patient "$P" --default --db "$DB" | grep -q "programme version 1 set for $P: 4 stages" \
  || fail "programme set --default"
"$RESPIRA" programme show --patient "$P" --json --db "$DB" > "$T/show.json"
# BIDMC 01 breathes at about 22/min: start 2 below, capped at 12, then 2/min steps to 6.
[[ $(json_get "$T/show.json" "[s['rate_bpm'] for s in d['programme']['stages']]") == "[12.0, 10.0, 8.0, 6.0]" ]] \
  || fail "default ladder: $(json_get "$T/show.json" "d['programme']['stages']")"
BASE=$(json_get "$T/show.json" "d['programme']['baseline_rate_bpm']")
python3 -c "import sys; b=float(sys.argv[1]); sys.exit(0 if 18 <= b <= 26 else 1)" "$BASE" \
  || fail "measured baseline $BASE/min is not BIDMC 01's ~22/min"

# The clinician's own ladder: advance after every session that meets it (any adherence).
"$RESPIRA" programme set --patient "$P" --stage 10,1:1.5,5,5 --stage 8,1:2,10,5 --stage 6,1:2,15,5 \
  --advance-after 1 --min-adherence 0 --db "$DB" | grep -q "programme version 2 set" || fail "programme set --stage"
record 6 4 home --region upper_trapezius=6:3        # meets stage 1 -> stage 2
record 6 6 home --notes "busy day"                   # meets stage 2 -> stage 3
record 5 4 home --flare-up --notes "neck flared"     # marked flare-up -> back to stage 2

"$RESPIRA" progress --patient "$P" --json --db "$DB" > "$T/progress.json"
[[ $(json_get "$T/progress.json" "d['session_count']") == 4 ]] || fail "session count"
[[ $(json_get "$T/progress.json" "[s['decision'] for s in d['stage']['steps']]") == "['advance', 'advance', 'step back']" ]] \
  || fail "stage steps: $(json_get "$T/progress.json" "d['stage']['steps']")"
[[ $(json_get "$T/progress.json" "d['stage']['current']") == 2 ]] || fail "current stage"
[[ $(json_get "$T/progress.json" "d['today']['rate_bpm']") == 8.0 ]] || fail "today's rate"
[[ $(json_get "$T/progress.json" "d['today']['ie']") == "1:2.0" ]] || fail "today's I:E"
[[ $(json_get "$T/progress.json" "len(d['flags']['flare_ups'])") == 1 ]] || fail "one flare-up"
[[ $(json_get "$T/progress.json" "d['flags']['flare_ups'][0]['marked']") == True ]] || fail "flare-up marked"
[[ $(json_get "$T/progress.json" "[d['places']['home']['sessions'], d['places']['clinic']['sessions']]") == "[3, 1]" ]] \
  || fail "home/clinic"
[[ $(json_get "$T/progress.json" "[s['tension_change'] for s in d['sessions']]") == "[-2.0, -2.0, 0.0, -1.0]" ]] \
  || fail "tension changes"
[[ $(json_get "$T/progress.json" "d['regions'][0]['median_change']") == -3.0 ]] || fail "region change"
[[ $(json_get "$T/progress.json" "[n['note'] for n in d['recent_notes']]") == "['neck flared', 'busy day', 'assessment']" ]] \
  || fail "recent notes"
# All four sessions were recorded within a minute: no slope across time yet, and no plateau
# verdict before two weeks of history.
[[ $(json_get "$T/progress.json" "d['flags']['plateau']") == None ]] || fail "plateau verdict too early"

"$RESPIRA" progress --patient "$P" --db "$DB" > "$T/progress.txt"
grep -q "^Programme: stage 2 of 3" "$T/progress.txt" || fail "text: stage"
grep -q "FLARE-UP .* marked by the patient" "$T/progress.txt" || fail "text: flare-up"
grep -q "flare-up: back to stage 2" "$T/progress.txt" || fail "text: step back reason"

# The clinician's exports carry the programme and the flags.
"$RESPIRA" export --patient "$P" --format fhir --out "$T/bundle.json" --db "$DB" > /dev/null
[[ $(json_get "$T/bundle.json" "sorted(e['resource']['resourceType'] for e in d['entry'] if e['resource']['resourceType'] in ('CarePlan', 'Flag'))") == "['CarePlan', 'Flag']" ]] \
  || fail "FHIR bundle lacks the programme CarePlan and the flare-up Flag"
[[ $(json_get "$T/bundle.json" "[e['resource']['subject']['reference'] for e in d['entry'] if e['resource']['resourceType'] == 'CarePlan']") == "['Patient/$P']" ]] \
  || fail "CarePlan subject"
"$RESPIRA" export --patient "$P" --format html --out "$T/report.html" --db "$DB" > /dev/null
grep -q "Programme and progress" "$T/report.html" || fail "HTML report lacks the programme section"
grep -q "neck flared" "$T/report.html" || fail "HTML report lacks the recent notes"
"$RESPIRA" export --patient "$P" --format html --pseudonymise --out "$T/report_pseudo.html" --db "$DB" > /dev/null
grep -q "Programme and progress" "$T/report_pseudo.html" || fail "pseudonymised report lacks the programme"
if grep -q "neck flared\|Progress patient" "$T/report_pseudo.html"; then fail "pseudonymised report shows notes or name"; fi

# Bad input: one clear message, non-zero exit, nothing changed.
expect_error() {  # expect_error CODE MESSAGE command...
  local code=$1 message=$2; shift 2
  set +e; "$@" > /dev/null 2> "$T/err.txt"; local rc=$?; set -e
  [[ $rc == "$code" ]] || fail "exit $rc (wanted $code) from: $*"
  grep -qF -- "$message" "$T/err.txt" || fail "message '$(cat "$T/err.txt")' lacks '$message'"
}
expect_error 1 "no patient P-NOPE0000" "$RESPIRA" progress --patient P-NOPE0000 --db "$DB"
expect_error 1 "no patient P-NOPE0000" "$RESPIRA" programme set --patient P-NOPE0000 --baseline-rate 14 --default --db "$DB"
expect_error 2 "expected RATE,1:E,MINUTES,PER_WEEK" "$RESPIRA" programme set --patient "$P" --stage 10,2,5,5 --db "$DB"
expect_error 2 "stage 1: rate must be 3" "$RESPIRA" programme set --patient "$P" --stage 40,1:2,5,5 --db "$DB"
expect_error 2 "--as-of 'yesterday' is not an ISO 8601" "$RESPIRA" progress --patient "$P" --as-of yesterday --db "$DB"
Q=$("$RESPIRA" patient add "No programme" --db "$DB")
expect_error 1 "no programme set for $Q" "$RESPIRA" programme show --patient "$Q" --db "$DB"
"$RESPIRA" programme show --patient "$P" --json --db "$DB" > "$T/show2.json"
[[ $(json_get "$T/show2.json" "len(d['programme']['stages'])") == 3 ]] || fail "a rejected set changed the programme"
# The same loop on PostgreSQL 15, a throwaway server on loopback.
source "$(dirname "$0")/../support/throwaway_postgres.sh"
start_postgres
DB=$PG_URL
P=$("$RESPIRA" patient add "Clinic patient" --db "$DB")
"$RESPIRA" programme set --patient "$P" --stage 10,1:1.5,5,5 --stage 8,1:2,10,5 --advance-after 1 --min-adherence 0 \
  --db "$DB" | grep -q "programme version 1 set for $P: 2 stages" || fail "postgres: programme set"
record 6 4 clinic --notes "first visit"
"$RESPIRA" progress --patient "$P" --json --db "$DB" > "$T/pg.json"
[[ $(json_get "$T/pg.json" "[d['stage']['current'], d['stage']['steps'][0]['decision']]") == "[2, 'advance']" ]] \
  || fail "postgres: stage $(json_get "$T/pg.json" "d['stage']")"
[[ $(json_get "$T/pg.json" "d['sessions'][0]['tension_change']") == -2.0 ]] || fail "postgres: tension change"
"$RESPIRA" programme show --patient "$P" --db "$DB" | grep -q "^> 2. 8/min, I:E 1:2, 10 min, 5 per week" \
  || fail "postgres: programme show"
echo "progress CLI ok"
