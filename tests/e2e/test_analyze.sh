#!/usr/bin/env bash
# `respira analyze` end to end: the exact output formats of issue 3, batch mode, and a
# clear message + non-zero exit (and no output file left behind) for every bad input.
set -euo pipefail
respira=${1:?usage: test_analyze.sh /path/to/respira}
data=${RESPIRA_TEST_DATA_DIR:?RESPIRA_TEST_DATA_DIR not set}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

input=$data/bidmc/bidmc_01_Signals.csv
"$respira" analyze "$input" --events-csv "$work/e.csv" --rates-csv "$work/r.csv" --summary-json "$work/s.json"

# Events: exact header, inhale/exhale only, time order, emitted at or after the event.
[[ $(head -n1 "$work/e.csv") == "time_s,type,emitted_s" ]] || fail "events header"
awk -F, 'NR > 1 {
  if (NF != 3 || ($2 != "inhale" && $2 != "exhale")) { print "bad row " NR ": " $0; exit 1 }
  if ($1 + 0 < last) { print "out of order at row " NR; exit 1 }
  if ($3 + 0 < $1 + 0) { print "emitted before the event at row " NR; exit 1 }
  last = $1 + 0; if ($2 == "exhale") n++ }
  END { if (n < 160 || n > 180) { print "expected ~170 exhales, got " n; exit 1 } }' "$work/e.csv" || fail "events rows"

# Rates: one row per whole second of the 480 s input (0..480), empty until known.
[[ $(head -n1 "$work/r.csv") == "time_s,rate_bpm" ]] || fail "rates header"
[[ $(tail -n +2 "$work/r.csv" | wc -l) -eq 481 ]] || fail "expected 481 rate rows"
awk -F, 'NR > 1 { if ($1 != NR - 2) { print "row " NR " is second " $1; exit 1 }
  if ($2 != "" && ($2 < 15 || $2 > 30)) { print "implausible rate " $2; exit 1 } }' "$work/r.csv" || fail "rates rows"
[[ $(sed -n 2p "$work/r.csv") == "0," ]] || fail "no rate can be known at second 0"
[[ -n $(tail -n1 "$work/r.csv" | cut -d, -f2) ]] || fail "a rate must be known at the end"

# Summary JSON.
python3 - "$work/s.json" <<'PY' || fail "summary"
import json, sys
s = json.load(open(sys.argv[1]))
for key in ("breaths", "median_rate_bpm", "mean_rate_bpm", "mean_ie_ratio", "mean_depth",
            "interval_sd_s", "interval_cv", "mean_signal_quality", "processing_time_s", "x_real_time"):
    assert key in s, key
assert 160 <= s["breaths"] <= 180, s["breaths"]
assert 19 < s["median_rate_bpm"] < 23, s["median_rate_bpm"]
assert 0 < s["mean_signal_quality"] <= 1
PY

# --column and --sample-rate on a CSV without a time column.
cut -d, -f2 "$input" | sed '1s/.*/chest/' > "$work/plain.csv"
"$respira" analyze "$work/plain.csv" --column chest --sample-rate 125 --events-csv "$work/e2.csv" --rates-csv "$work/r2.csv"
cmp -s <(cut -d, -f1,2 "$work/e.csv") <(cut -d, -f1,2 "$work/e2.csv") || fail "same signal, different events"

# Batch mode.
"$respira" analyze "$input" "$data/bidmc/bidmc_24_Signals.csv" --out-dir "$work/batch" 2> "$work/batch.err"
for f in bidmc_01_Signals_events.csv bidmc_01_Signals_rates.csv bidmc_24_Signals_summary.json; do
  [[ -s $work/batch/$f ]] || fail "batch output $f missing"
done

# Bad input: message names the file, exit code non-zero, no output left behind.
expect_error() {  # expect_error PATTERN ARGS...
  local pattern=$1; shift
  rm -f "$work/bad_e.csv" "$work/bad_r.csv"
  if "$respira" analyze "$@" --events-csv "$work/bad_e.csv" --rates-csv "$work/bad_r.csv" 2> "$work/err"; then
    fail "expected failure for: $*"
  fi
  grep -q -- "$pattern" "$work/err" || fail "message for $* was: $(cat "$work/err")"
  [[ ! -e $work/bad_e.csv && ! -e $work/bad_r.csv ]] || fail "partial output left for $*"
  ls "$work" | grep -q 'tmp-' && fail "temporary file left for $*"
  return 0
}
expect_error "$work/missing.csv: no such file" "$work/missing.csv"
expect_error "no column named 'flow'" "$input" --column flow
printf 'Time [s],RESP\n0,1\n0.008,x\n' > "$work/corrupt.csv"
expect_error "corrupt.csv: line 3" "$work/corrupt.csv"
printf 'RIFF1234WAVEjunk' > "$work/corrupt.wav"
expect_error "corrupt.wav: cannot read audio" "$work/corrupt.wav"
printf 'not an edf' > "$work/corrupt.edf"
expect_error "corrupt.edf: " "$work/corrupt.edf"
printf 'Time [s],ECG\n0,1\n' > "$work/ecg.csv"
expect_error "no respiration column" "$work/ecg.csv"
if "$respira" analyze "$input" --events-csv "$work/x.csv" 2> "$work/err"; then fail "missing --rates-csv accepted"; fi
echo "analyze e2e ok"
