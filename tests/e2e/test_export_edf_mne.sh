#!/usr/bin/env bash
# EDF+ export read back by an independent reader (MNE-Python from Debian): a real replayed
# session with a pacer is exported as EDF+ and JSON; MNE must see the respiration channel
# as RESP at 25 Hz with the stored waveform values (within half a quantisation step), the
# start time, and every breath, pacer and rating annotation at its stored time.
set -euo pipefail
RESPIRA=$(realpath "${1:?usage: test_export_edf_mne.sh /path/to/respira}")
DATA=${RESPIRA_TEST_DATA_DIR:-$(dirname "$0")/../data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/edf.db"
P=$("$RESPIRA" patient add "EDF reader" --db "$DB")
"$RESPIRA" session record --patient "$P" --source "replay:$DATA/bidmc/bidmc_01_Signals.csv@20" --duration 90 \
  --pre-tension 8 --post-tension 5 --pacer-rate 6 --pacer-ie 4:6 --region neck=6:4 --db "$DB" > /dev/null
"$RESPIRA" export --patient "$P" --format edf --out "$T/session.edf" --db "$DB" > /dev/null
"$RESPIRA" export --patient "$P" --format json --out "$T/session.json" --db "$DB" > /dev/null

/usr/bin/python3 - "$T" <<'PY'
import json, sys, datetime
import numpy as np
import mne
t = sys.argv[1]
doc = json.load(open(f"{t}/session.json"))
s = doc["sessions"][0]
raw = mne.io.read_raw_edf(f"{t}/session.edf", infer_types=True, preload=True, verbose="error")
assert raw.ch_names == ["replay"], raw.ch_names          # "RESP replay": type prefix stripped
assert raw.get_channel_types() == ["resp"], raw.get_channel_types()
assert raw.info["sfreq"] == 25.0
data = raw.get_data()[0]
assert len(data) == 90 * 25, len(data)

peak = max(abs(v) for c in s["waveform"] for v in c["values"])
step = 2 * peak * 1.06 / 65535                             # upper bound of one quantisation step
worst = 0.0
n = 0
for c in s["waveform"]:
    first = round(c["start_s"] * 25)
    v = np.array(c["values"])[: len(data) - first]       # the file ends at the session's end
    worst = max(worst, float(np.max(np.abs(data[first:first + len(v)] - v))))
    n += len(v)
assert n >= 90 * 25 - 3, n
assert worst <= step / 2 + 1e-12, (worst, step)

start = datetime.datetime.strptime(s["started_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
# MNE keeps whole seconds of the start time (EDFlib's own reader gets the subsecond; test_session).
assert 0 <= (start - raw.info["meas_date"]).total_seconds() < 1, (raw.info["meas_date"], start)

ann = raw.annotations
def onsets(label):
    return [o for o, d in zip(ann.onset, ann.description) if d == label]
inh, exh = onsets("Inhale"), onsets("Exhale")
assert len(inh) == len(s["breaths"]) == len(exh) and len(inh) >= 30, (len(inh), len(s["breaths"]))
assert max(abs(a - b["start_s"]) for a, b in zip(inh, s["breaths"])) < 1e-4
assert max(abs(a - b["exhale_start_s"]) for a, b in zip(exh, s["breaths"])) < 1e-4
# Pacer at 6/min, 4 s in and 6 s out, from t = 0: 9 breaths in 90 s.
pin, pout = onsets("Pacer inhale"), onsets("Pacer exhale")
assert np.allclose(pin, np.arange(9) * 10.0) and np.allclose(pout, np.arange(9) * 10.0 + 4.0), (pin, pout)
assert onsets("Tension before 8/10") == [0.0]
assert abs(onsets("Tension after 5/10")[0] - 90.0) < 1e-6
assert onsets("neck before 6/10") == [0.0] and len(onsets("neck after 4/10")) == 1
print(f"MNE read {len(data)} samples (worst error {worst:.2e}, step {step:.2e}), {len(ann)} annotations, "
      f"{len(inh)} breaths")
PY
echo "PASS: EDF+ export read back by MNE"
