#!/usr/bin/env bash
# Microphone that disappears mid-session: the PulseAudio server behind the capture device
# is killed 20 s into a `respira live --source mic` session (once the rhythm is known) and
# started again 4 s later. The live session must report the loss, mark a gap of about the
# outage, reconnect by itself with back-off, keep a rate row for every second, carry the
# rhythm over the gap (rate at once, breaths within two) and exit cleanly.
set -euo pipefail
RESPIRA=${1:?usage: test_live_mic_fault.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${RESPIRA_TEST_DATA_DIR:-$SRC/tests/data}
WAV=$DATA/rrujo/RRinervasO/12/2023030117431.wav
T=$(mktemp -d)
# See test_live_mic.sh: full malloc stacks under ASan so plugin suppressions match.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
source "$SRC/scripts/e2e/pulse.sh"
LIVE=
cleanup() { [ -n "$LIVE" ] && kill "$LIVE" 2>/dev/null; pulse_stop; rm -rf "$T"; }
trap cleanup EXIT

pulse_start "$T"
pulse_play "$WAV"
sleep 2
# A wall-clock bound well above the 40 s of input: if the stream never resumes, the test
# fails at once with respira's own messages (printed below) instead of a silent ctest timeout.
timeout 120 "$RESPIRA" live --source mic --duration 40 --rates-csv "$T/rates.csv" --events-csv "$T/events.csv" \
  > "$T/live.txt" 2> "$T/live.err" &
LIVE=$!
sleep 20
pulse_stop                      # the device disappears
sleep 4
pulse_start "$T"                # ...and comes back
pulse_play "$WAV"
status=0
wait $LIVE || status=$?
LIVE=
grep -v "^Expression" "$T/live.err" || true   # PortAudio's own ALSA diagnostics dropped
tail -n 1 "$T/live.txt"
[ $status -ne 124 ] || { echo "FAIL: respira live still running after 120 s (input never reached 40 s)"; exit 1; }
[ $status -eq 0 ] || { echo "FAIL: respira live exited with $status"; exit 1; }

/usr/bin/python3 - "$T/live.txt" "$T/live.err" "$T/rates.csv" "$T/events.csv" <<'PY'
import csv, re, sys
live, err = open(sys.argv[1]).read(), open(sys.argv[2]).read()
ok = True
def check(cond, what):
    global ok
    print(('ok   ' if cond else 'FAIL ') + what)
    ok = ok and cond
check('stopped delivering audio' in err, 'the lost device was reported')
check('reconnected' in err, 'the device was reconnected')
gaps = [float(g) for g in re.findall(r'gap of ([\d.]+) s in the input', err)]
check(len(gaps) == 1 and 3.0 <= gaps[0] <= 8.0, f'one gap of about the outage: {gaps}')
check(re.search(r'1 gaps, 1 reconnects', live) is not None, 'final counters: 1 gap, 1 reconnect')
rows = list(csv.DictReader(open(sys.argv[3], newline='')))
check([int(r['time_s']) for r in rows] == list(range(len(rows))) and len(rows) >= 35,
      f'{len(rows)} rate rows, one per second')
# The rhythm learned before the outage carries over it: a rate (paced 12/min) within 3 s of
# the input resuming and an exhalation within two breaths, not after a fresh 15 s warm-up.
at = re.search(r'gap of ([\d.]+) s in the input at ([\d.]+) s', err)
resumed = float(at.group(2)) + float(at.group(1)) if at else 0.0
soon = [float(r['rate_bpm']) for r in rows if resumed <= int(r['time_s']) <= resumed + 3 and r['rate_bpm']]
check(len(soon) >= 2 and all(abs(v - 12.0) <= 1.5 for v in soon), f'rate within 3 s after the gap: {soon}')
exhales = [float(e['time_s']) for e in csv.DictReader(open(sys.argv[4], newline='')) if e['type'] == 'exhale']
check(any(resumed < t <= resumed + 10.0 for t in exhales), f'an exhalation within 10 s after the gap: {exhales}')
sys.exit(0 if ok else 1)
PY
echo PASS
