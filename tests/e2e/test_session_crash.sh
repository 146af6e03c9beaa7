#!/usr/bin/env bash
# Crash safety of `respira session record`: SIGKILL at random moments. Every time the
# database passes PRAGMA integrity_check, the session reads back as 'interrupted', and at
# most 1 s of waveform is lost: the synthetic source runs on the wall clock, so the signal
# time at the kill is the time since recording started, and the samples stored are counted.
# RESPIRA_CRASH_RUNS sets the number of kills (default 8, to stay well under a minute).
set -euo pipefail
RESPIRA=$(realpath "${1:?usage: test_session_crash.sh /path/to/respira}")
RUNS=${RESPIRA_CRASH_RUNS:-8}
T=$(mktemp -d)
PID=
trap '[[ -n $PID ]] && kill -9 $PID 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
DB="$T/crash.db"
P=$("$RESPIRA" patient add "Crash test" --db "$DB")
now() { date +%s.%N; }
integrity() { /usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$DB"; }

worst=0
for run in $(seq 1 "$RUNS"); do
  OUT="$T/run$run.txt"
  "$RESPIRA" session record --patient "$P" --source synthetic:12 --duration 600 --pre-tension 5 --db "$DB" > "$OUT" &
  PID=$!
  until grep -qs '^recording session' "$OUT"; do
    kill -0 $PID 2>/dev/null || fail "recorder exited early: $(cat "$OUT")"
    sleep 0.005
  done
  t0=$(now)
  sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", 0.7 + 2.5 * r / 32767}')"
  kill -9 $PID
  t1=$(now)
  { wait $PID; } 2>/dev/null || true
  PID=
  S=$(awk '/^recording session/{print $3}' "$OUT")
  [[ $(integrity) == ok ]] || fail "integrity_check failed after kill $run"
  "$RESPIRA" session show "$S" --db "$DB" > "$T/show.txt"
  grep -q "status          interrupted" "$T/show.txt" || fail "session $S not interrupted: $(cat "$T/show.txt")"
  samples=$(awk '/^waveform/{print $2}' "$T/show.txt")
  lost=$(awk -v a="$t0" -v b="$t1" -v n="$samples" 'BEGIN{printf "%.3f", (b - a) - n / 25.0}')
  echo "kill $run after $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}') s: $samples samples stored, lost $lost s"
  awk -v l="$lost" 'BEGIN{exit !(l <= 1.0)}' || fail "lost $lost s of samples (limit 1 s)"
  worst=$(awk -v l="$lost" -v w="$worst" 'BEGIN{print (l > w) ? l : w}')
done
[[ $("$RESPIRA" session list --patient "$P" --db "$DB" | grep -c interrupted) == "$RUNS" ]] || fail "not all sessions interrupted"
echo "PASS: $RUNS SIGKILLs, database intact, worst loss $worst s"
