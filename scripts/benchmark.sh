#!/usr/bin/env bash
# Accuracy benchmark: runs `respira analyze` over every BIDMC record and RRuJO file and
# scores the outputs with the shared scoring rule (../shared/tools/score_breaths.py).
# Prints one table per dataset and the means, as reported in the README.
#
#   scripts/benchmark.sh [path/to/respira] [path/to/shared]
#   BENCH_SETS=bidmc scripts/benchmark.sh ...   (one dataset only: bidmc or rrujo)
# Speed and memory figures come from build/bench/bench_dsp.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
respira=${1:-$here/build/respira}
shared=${2:-$here/../shared}
score=$shared/tools/score_breaths.py
[[ -x $respira ]] || { echo "benchmark: $respira is not an executable (build first)" >&2; exit 1; }
[[ -f $score ]] || { echo "benchmark: $score not found (pass the shared folder)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$respira" "$shared" "$score" "$work" <<'PY'
import json, math, statistics, subprocess, sys, pathlib
respira, shared, score, work = sys.argv[1:5]
shared, work = pathlib.Path(shared), pathlib.Path(work)

def run(*args):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout

def scored(*args):
    return json.loads(run(sys.executable, score, *args))

def analyze(inp, name, *extra):
    ev, rt = work / f'{name}_events.csv', work / f'{name}_rates.csv'
    run(respira, 'analyze', inp, '--events-csv', ev, '--rates-csv', rt, *extra)
    return ev, rt

def latencies(ev, kind):
    import csv
    with open(ev) as f:
        return [float(r['emitted_s']) - float(r['time_s']) for r in csv.DictReader(f) if r['type'] == kind]

def annotator_marks(sig, rec, column):
    # BIDMC breath marks (1-based sample numbers at 125 Hz) of annotator column+1, in seconds.
    import csv
    with open(sig.parent / f'bidmc_{rec}_Breaths.csv') as f:
        return sorted((float(r[column]) - 1) / 125.0 for r in list(csv.reader(f))[1:]
                      if len(r) > column and r[column].strip() not in ('', 'nan', 'NaN'))

def after_marks(ev, sig, rec):
    # emitted_s - annotator 1's mark for each matched exhale (the scoring rule's matching:
    # mark by mark, the nearest unused event within 0.5 s): how soon after the turn a person
    # marked, rather than after our own time stamp, the event reaches a listener.
    import csv
    marks = annotator_marks(sig, rec, 0)
    with open(ev) as f:
        events = sorted((float(r['time_s']), float(r['emitted_s'])) for r in csv.DictReader(f) if r['type'] == 'exhale')
    used, out = set(), []
    for m in marks:
        near = [(abs(t - m), i) for i, (t, _) in enumerate(events) if i not in used and abs(t - m) <= 0.5]
        if near:
            i = min(near)[1]
            used.add(i)
            out.append(events[i][1] - m)
    return out

def annotator_2(sig, rec, duration):
    # BIDMC's second annotator written out like a detector's output (its rate uses the
    # same 32 s rule, without latency), so the same scoring gives a human yardstick.
    marks = annotator_marks(sig, rec, 1)
    ev, rt = work / f'bidmc_{rec}_ann2_events.csv', work / f'bidmc_{rec}_ann2_rates.csv'
    ev.write_text('time_s,type\n' + ''.join(f'{t:.3f},exhale\n' for t in marks))
    lines = ['time_s,rate_bpm']
    for t in range(int(duration) + 1):
        inside = [m for m in marks if t - 32 <= m <= t]
        lines.append(f'{t},' + (f'{60 * (len(inside) - 1) / (inside[-1] - inside[0]):.3f}' if len(inside) >= 2 else ''))
    rt.write_text('\n'.join(lines) + '\n')
    return ev, rt

import os
sets = os.environ.get('BENCH_SETS', 'bidmc,rrujo').split(',')
rows, pooled_latency, pooled_after_mark, human = [], [], [], []
for sig in sorted((shared / 'data/bidmc').glob('bidmc_*_Signals.csv')) if 'bidmc' in sets else []:
    rec = sig.name.split('_')[1]
    ref = f"{sig.parent}/bidmc_{rec}_Breaths.csv:0"
    ev, rt = analyze(sig, f'bidmc_{rec}')
    with open(sig) as f:
        duration = (sum(1 for _ in f) - 2) / 125.0
    e = scored('events', '--ref', ref, '--ref-fs', '125', '--det', ev, '--type', 'exhale')
    r = scored('rates', '--ref', ref, '--ref-fs', '125', '--rates', rt, '--duration', f'{duration:.3f}')
    lat = latencies(ev, 'exhale')
    rows.append((rec, e['f1'], e['precision'], e['recall'], r['mae'], r['within1'], r['missing'],
                 statistics.median(lat) if lat else math.nan))
    pooled_latency.extend(lat)
    pooled_after_mark.extend(after_marks(ev, sig, rec))
    ev2, rt2 = annotator_2(sig, rec, duration)
    e2 = scored('events', '--ref', ref, '--ref-fs', '125', '--det', ev2, '--type', 'exhale')
    r2 = scored('rates', '--ref', ref, '--ref-fs', '125', '--rates', rt2, '--duration', f'{duration:.3f}')
    human.append((e2['f1'], r2['mae'], r2['within1']))

if rows:
  print('BIDMC (annotator 1, exhale onsets; +/-0.5 s matching; causal rate vs 32 s reference)')
  print(f"{'record':>6} {'F1':>6} {'prec':>6} {'recall':>6} {'MAE':>6} {'<=1bpm':>7} {'miss':>5} {'lat_ms':>7}")
  for rec, f1, p, rc, mae, w1, miss, lat in rows:
      print(f"{rec:>6} {f1:6.3f} {p:6.3f} {rc:6.3f} {mae:6.3f} {100*w1:6.1f}% {miss:5d} {1000*lat:7.0f}")
  mean = lambda i: statistics.fmean(r[i] for r in rows)
  all_lat = statistics.median(r[7] for r in rows)
  print(f"{'mean':>6} {mean(1):6.3f} {mean(2):6.3f} {mean(3):6.3f} {mean(4):6.3f} {100*mean(5):6.1f}% {sum(r[6] for r in rows):5d} {1000*all_lat:7.0f}")
  print(f"{'ann. 2':>6} {statistics.fmean(h[0] for h in human):6.3f} {'':>6} {'':>6} "
        f"{statistics.fmean(h[1] for h in human):6.3f} {100*statistics.fmean(h[2] for h in human):6.1f}%"
        "   (the second human annotator scored the same way, for scale)")
  print(f"median F1 {statistics.median(r[1] for r in rows):.3f}; latency: median per record, "
        f"mean row = median of those; median over all {len(pooled_latency)} exhale events "
        f"{1000 * statistics.median(pooled_latency):.0f} ms; emitted after annotator 1's mark "
        f"(median over {len(pooled_after_mark)} matched exhale events): {1000 * statistics.median(pooled_after_mark):.0f} ms")

paced = []
for wav in sorted((shared / 'data/rrujo').glob('*/*/*.wav')) if 'rrujo' in sets else []:
    target = wav.parent.name
    name = f'rrujo_{wav.parent.parent.name}_{target}_{wav.stem}'
    try:
        ev, rt = analyze(wav, name)
        p = scored('paced', '--rates', rt, '--target', target)
    except subprocess.CalledProcessError as err:
        p = dict(median_bpm=math.nan, target_bpm=float(target), abs_error=math.nan)
        print(f'{name}: failed: {err.stderr.strip()}', file=sys.stderr)
    paced.append((name, p['median_bpm'], p['target_bpm'], p['abs_error']))
if paced:
    print()
    print('RRuJO breath sounds (median rate after 30 s vs paced rate)')
    print(f"{'file':<44} {'median':>7} {'paced':>6} {'|err|':>6}")
    for name, med, tgt, err in paced:
        print(f"{name:<44} {med:7.2f} {tgt:6.1f} {err:6.2f}")
    errs = [p[3] if not math.isnan(p[3]) else math.inf for p in paced]
    fin = [e for e in errs if math.isfinite(e)]
    print(f"mean |median - paced| {statistics.fmean(fin) if fin else math.nan:.2f} bpm over {len(fin)}/{len(errs)} files; "
          f"within 1 bpm {100*sum(e <= 1 for e in errs)/len(errs):.1f}%")
PY
