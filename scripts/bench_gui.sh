#!/usr/bin/env bash
# Window benchmark: the live screen's frame time, start-up to first frame and peak memory,
# as reported in the README. Runs `respira gui --benchmark-frames` (a fresh process each
# time, so every run has a cold start) RUNS times on a synthetic breather and prints each
# run's report, then the median of the runs' figures. Without a display it starts its own
# Xvfb at 1280x720 (Mesa llvmpipe, the software renderer the targets are set for).
#
#   scripts/bench_gui.sh [path/to/respira] [FRAMES]       (RUNS=3, SOURCE=synthetic:6)
#
# Frame time = build (trainer update, ImGui frame) + GL submit + glFinish (so the software
# rasteriser's threads are counted) + SwapBuffers' copy to the window; only the idle wait
# to the next 60 fps tick is excluded. The first second is warm-up (shader variants compile
# on first use) and is not in the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
respira=${1:-$here/build/respira}
frames=${2:-600}
runs=${RUNS:-3}
source_spec=${SOURCE:-synthetic:6}
[[ -x $respira ]] || { echo "bench_gui: $respira is not an executable (build first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
  if [[ -n ${DISPLAY:-} ]]; then
    "$respira" gui --source "$source_spec" --screen live --benchmark-frames "$frames"
  else
    command -v xvfb-run >/dev/null || { echo "bench_gui: no DISPLAY and xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }
    xvfb-run -a -s '-screen 0 1280x720x24' \
      "$respira" gui --source "$source_spec" --screen live --benchmark-frames "$frames"
  fi
}

for i in $(seq "$runs"); do
  echo "== run $i of $runs"
  run | tee "$work/run$i.txt"
done

python3 - "$work" "$runs" <<'PY'
import pathlib, re, statistics, sys
work, runs = pathlib.Path(sys.argv[1]), int(sys.argv[2])
figures = {"median": [], "p95": [], "cpu": [], "first": [], "memory": [], "load": []}
for i in range(1, runs + 1):
    text = (work / f"run{i}.txt").read_text()
    frame = re.search(r"frame time ms\s+median ([\d.]+)\s+p95 ([\d.]+)", text)
    figures["median"].append(float(frame[1]))
    figures["p95"].append(float(frame[2]))
    figures["cpu"].append(float(re.search(r"CPU per frame ms\s+([\d.]+)", text)[1]))
    figures["first"].append(float(re.search(r"first frame\s+([\d.]+) ms", text)[1]))
    figures["memory"].append(float(re.search(r"peak memory\s+([\d.]+) MB", text)[1]))
    figures["load"].append(float(re.search(r"machine load\s+([\d.]+)", text)[1]))
m = {k: statistics.median(v) for k, v in figures.items()}
print(f"== median of {runs} runs")
print(f"live-screen frame   median {m['median']:.2f} ms, p95 {m['p95']:.2f} ms   (target <= 4 ms)")
print(f"CPU per frame       {m['cpu']:.2f} ms (all threads)")
print(f"start-up            {m['first']:.0f} ms to the first frame   (target < 1 s)")
print(f"peak memory         {m['memory']:.1f} MB   (target < 150 MB)")
print(f"machine load        {m['load']:.2f} during the runs")
PY
