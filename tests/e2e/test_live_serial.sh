#!/usr/bin/env bash
# Respiration belt end to end: a socat pseudo-terminal pair; a feeder writes 52 s of the
# BIDMC record 01 RESP signal at its real pace (125 Hz, 'T_MS,VALUE' lines) into one end,
# `respira live --source serial:<other end>` reads it. The detected exhalation onsets
# must match annotator 1's breaths within the fed span with F1 >= 0.95 (one-to-one,
# +-0.5 s, as ../shared/tools/score_breaths.py). Also checks the rate was inferred from
# the timestamps and the files have the `respira analyze` formats.
set -euo pipefail
RESPIRA=${1:?usage: test_live_serial.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${RESPIRA_TEST_DATA_DIR:-$SRC/tests/data}
RECORD=$DATA/bidmc/bidmc_01
START=0    # seconds into the record (a session starts with the recording)
SECONDS_FED=52
source "$SRC/tests/support/background_jobs.sh"
command -v socat >/dev/null || { echo "FAIL: socat missing"; exit 1; }

socat pty,raw,echo=0,link="$T/belt" pty,raw,echo=0,link="$T/feed" 2>"$T/socat.err" &
PIDS+=($!)
for i in $(seq 50); do [ -e "$T/belt" ] && [ -e "$T/feed" ] && break; sleep 0.05; done

"$RESPIRA" live --source "serial:$T/belt@115200" --duration $((SECONDS_FED + 2)) \
  --events-csv "$T/events.csv" --rates-csv "$T/rates.csv" > "$T/live.txt" 2> "$T/live.err" &
LIVE=$!
PIDS+=($LIVE)
sleep 0.5  # respira listens first, so sample 0 of the feed is input time 0
/usr/bin/python3 "$SRC/scripts/e2e/feed_serial.py" "$T/feed" "$RECORD"_Signals.csv --column RESP \
  --rate 125 --start $START --seconds $SECONDS_FED
wait $LIVE
head -n 2 "$T/live.txt"; tail -n 1 "$T/live.txt"
grep -q "125 Hz" "$T/live.txt" || { echo "FAIL: rate not inferred as 125 Hz"; exit 1; }

/usr/bin/python3 - "$RECORD"_Breaths.csv "$T/events.csv" "$T/rates.csv" $START $SECONDS_FED <<'PY'
import csv, sys
ref_path, det_path, rates_path = sys.argv[1:4]
start, span = float(sys.argv[4]), float(sys.argv[5])
with open(ref_path, newline='') as f:
    rows = list(csv.reader(f))[1:]
ref = sorted((int(r[0]) - 1) / 125.0 - start for r in rows if r and r[0].strip() not in ("", "NaN", "nan"))
ref = [t for t in ref if 0.0 <= t <= span]
with open(det_path, newline='') as f:
    reader = csv.DictReader(f)
    assert reader.fieldnames == ['time_s', 'type', 'emitted_s'], reader.fieldnames
    events = list(reader)
assert all(e['type'] in ('inhale', 'exhale') for e in events)
assert all(float(e['emitted_s']) >= float(e['time_s']) for e in events)
det = sorted(float(e['time_s']) for e in events if e['type'] == 'exhale')
used = [False] * len(det); tp = 0
for t in ref:  # one-to-one, nearest unused detection within 0.5 s
    best, bi = 0.5 + 1e-9, -1
    for j, d in enumerate(det):
        if not used[j] and abs(d - t) < best: best, bi = abs(d - t), j
    if bi >= 0: used[bi] = True; tp += 1
fp, fn = len(det) - tp, len(ref) - tp
p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1); f1 = 2 * p * r / max(p + r, 1e-12)
with open(rates_path, newline='') as f:
    rates = list(csv.DictReader(f))
assert [int(x['time_s']) for x in rates] == list(range(len(rates)))
assert len(rates) >= span - 1
print(f'serial: {len(ref)} annotated breaths, {len(det)} exhale events, tp={tp} fp={fp} fn={fn} F1={f1:.3f}')
sys.exit(0 if f1 >= 0.95 else 1)
PY
echo PASS
