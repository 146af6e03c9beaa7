#!/usr/bin/env bash
# Microphone end to end: a RRuJO breath-sound recording (paced at 12 breaths/min) is
# played into a PulseAudio null sink; `respira live --source mic` captures its monitor
# through PortAudio (ALSA "pulse"/"default" device) and must report the paced rate
# within 1 breath/min (median of the rate rows after the first 30 s).
set -euo pipefail
RESPIRA=${1:?usage: test_live_mic.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${RESPIRA_TEST_DATA_DIR:-$SRC/tests/data}
WAV=$DATA/rrujo/RRinervasO/12/2023030117431.wav
PACED=12
T=$(mktemp -d)
# Under ASan: full malloc stacks, so the ALSA/PulseAudio plugins' process-lifetime
# allocations (made through frame-pointer-less system code) are matched by the leak
# suppressions in tests/support/lsan.supp instead of showing as "<unknown module>".
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
source "$SRC/scripts/e2e/pulse.sh"
cleanup() { pulse_stop; rm -rf "$T"; }
trap cleanup EXIT

for tool in pulseaudio pactl pacat sox; do
  command -v $tool >/dev/null || { echo "FAIL: $tool missing (scripts/install-deps.sh installs it)"; exit 1; }
done
pulse_start "$T"
"$RESPIRA" devices > "$T/devices.txt"
grep -Eq "pulse|default" "$T/devices.txt" || { cat "$T/devices.txt"; echo "FAIL: no PulseAudio input listed"; exit 1; }

pulse_play "$WAV"  # 60 s of breath sounds
sleep 2  # a fresh null sink honours low latency only after ~2 s
"$RESPIRA" live --source mic --duration 52 --rates-csv "$T/rates.csv" --events-csv "$T/events.csv" \
  > "$T/live.txt" 2> "$T/live.err"
head -n 3 "$T/live.txt"; tail -n 2 "$T/live.txt"

/usr/bin/python3 - "$T/rates.csv" "$T/events.csv" "$PACED" <<'PY'
import csv, statistics, sys
rates_path, events_path, paced = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(rates_path, newline='') as f:
    rows = list(csv.DictReader(f))
assert rows and list(rows[0].keys()) == ['time_s', 'rate_bpm'], 'bad rates header'
times = [int(r['time_s']) for r in rows]
assert times == list(range(len(times))), 'rate rows must be one per whole second from 0'
late = [float(r['rate_bpm']) for r in rows if int(r['time_s']) > 30 and r['rate_bpm']]
assert len(late) >= 15, f'only {len(late)} rate estimates after 30 s'
median = statistics.median(late)
with open(events_path, newline='') as f:
    events = list(csv.DictReader(f))
assert events and set(e['type'] for e in events) <= {'inhale', 'exhale'}, 'bad events'
print(f'mic: median rate after 30 s {median:.2f} bpm (paced {paced:g}), {len(events)} events')
sys.exit(0 if abs(median - paced) <= 1.0 else 1)
PY
echo PASS
