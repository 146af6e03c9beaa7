#!/usr/bin/env bash
# Device faults mid-session, on a serial belt fed from BIDMC record 01 at real pace:
#   1. 0-12 s fed; then the feeder stops (the port stays open, no data) for ~3 s;
#   2. the feeder resumes where real time has got to (its T_MS clock kept counting);
#   3. at ~25 s the pty itself is closed (socat killed) for ~3 s, then re-created and fed
#      from where real time has got to.
# `respira live` must report each fault, mark a gap, recover, never crash, and keep its
# files complete: rate rows for every second, events before the first fault all found
# (F1 >= 0.95 within +-0.5 s), and breaths detected again after each recovery.
set -euo pipefail
RESPIRA=${1:?usage: test_live_faults.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${RESPIRA_TEST_DATA_DIR:-$SRC/tests/data}
RECORD=$DATA/bidmc/bidmc_01
FEED="/usr/bin/python3 $SRC/scripts/e2e/feed_serial.py"
source "$SRC/tests/support/background_jobs.sh"
command -v socat >/dev/null || { echo "FAIL: socat missing"; exit 1; }
now() { date +%s.%N; }
since() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
start_pty() {
  socat pty,raw,echo=0,link="$T/belt" pty,raw,echo=0,link="$T/feed" 2>/dev/null &
  SOCAT=$!
  PIDS+=($SOCAT)
  for i in $(seq 100); do [ -e "$T/belt" ] && [ -e "$T/feed" ] && break; sleep 0.05; done
}

start_pty
"$RESPIRA" live --source "serial:$T/belt" --duration 44 --events-csv "$T/events.csv" \
  --rates-csv "$T/rates.csv" > "$T/live.txt" 2> "$T/live.err" &
LIVE=$!
PIDS+=($LIVE)
sleep 0.5
T0=$(now)
$FEED "$T/feed" "$RECORD"_Signals.csv --rate 125 --origin "$T0" --seconds 12  # 1. then stops
sleep 3
$FEED "$T/feed" "$RECORD"_Signals.csv --rate 125 --origin "$T0" --seconds 10  # 2.
kill $SOCAT; wait $SOCAT 2>/dev/null || true                                   # 3. pty closed
echo "pty closed at $(since "$T0") s"
sleep 3
start_pty
$FEED "$T/feed" "$RECORD"_Signals.csv --rate 125 --origin "$T0" --seconds 13
wait $LIVE
echo "live exit: $?"
cat "$T/live.err"; tail -n 1 "$T/live.txt"

/usr/bin/python3 - "$RECORD"_Breaths.csv "$T/events.csv" "$T/rates.csv" "$T/live.txt" "$T/live.err" <<'PY'
import csv, re, sys
ref_path, events_path, rates_path, live_path, err_path = sys.argv[1:6]
live, err = open(live_path).read(), open(err_path).read()
ok = True
def check(cond, what):
    global ok
    print(('ok   ' if cond else 'FAIL ') + what)
    ok = ok and cond
ref = sorted((int(r[0]) - 1) / 125.0 for r in list(csv.reader(open(ref_path)))[1:]
             if r and r[0].strip() not in ('', 'NaN'))
with open(events_path, newline='') as f:
    reader = csv.DictReader(f)
    check(reader.fieldnames == ['time_s', 'type', 'emitted_s'], 'events header')
    events = list(reader)
det = [float(e['time_s']) for e in events if e['type'] == 'exhale']
check(det == sorted(det), 'events in time order')
with open(rates_path, newline='') as f:
    rows = list(csv.DictReader(f))
check([int(r['time_s']) for r in rows] == list(range(len(rows))) and len(rows) >= 40,
      f'{len(rows)} rate rows, one per second, none missing')
gaps = [(float(s), float(d)) for d, s in re.findall(r'gap of ([\d.]+) s in the input at ([\d.]+) s', err)]
check(len(gaps) == 2, f'two gaps marked: {gaps}')
check('no data from' in err, 'the stopped feeder was reported')
check('closed; reconnecting' in err and 'reconnected' in err, 'the closed pty was reported and reopened')
check(re.search(r'2 gaps, 1 reconnects', live) is not None, 'final counters: 2 gaps, 1 reconnect')

# One-to-one matching within +-0.5 s over the whole session, then scored per window so
# a breath near a window edge still finds its partner.
matched_ref, matched_det = set(), set()
for i, t in enumerate(ref):
    best, bi = 0.5 + 1e-9, -1
    for j, d in enumerate(det):
        if j not in matched_det and abs(d - t) < best: best, bi = abs(d - t), j
    if bi >= 0: matched_ref.add(i); matched_det.add(bi)

def window_f1(a, b):
    refs = [i for i, t in enumerate(ref) if a <= t <= b]
    dets = [j for j, d in enumerate(det) if a <= d <= b]
    tp = sum(1 for i in refs if i in matched_ref)
    fp = sum(1 for j in dets if j not in matched_det)
    fn = len(refs) - tp
    p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1)
    return 2 * p * r / max(p + r, 1e-12), tp, fp, fn

# Before the first fault: everything fed must be there (the detector may still hold the
# breath in progress when the feed stops).
g1 = gaps[0][0] if gaps else 12.0
score = window_f1(0, g1 - 1.5)
check(score[0] >= 0.95, f'before the first fault F1={score[0]:.3f} (tp {score[1]}, fp {score[2]}, fn {score[3]})')
# After each recovery: breaths found again, on the record's time line (gap lengths right).
for i, (start, length) in enumerate(gaps):
    a = start + length + 4.0  # the detector relearns for about one breath
    b = (gaps[i + 1][0] if i + 1 < len(gaps) else rows[-1] and float(rows[-1]['time_s'])) - 1.5
    score = window_f1(a, b)
    check(score[1] >= 2 and score[0] >= 0.8,
          f'after gap {i + 1}: F1={score[0]:.3f} in [{a:.1f}, {b:.1f}] s (tp {score[1]}, fp {score[2]}, fn {score[3]})')
sys.exit(0 if ok else 1)
PY
echo PASS
