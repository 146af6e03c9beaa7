#!/usr/bin/env bash
# Heart-rate chest strap end to end: BlueZ emulated by python3-dbusmock (bluez5 template)
# on a private bus; scripts/e2e/ble_strap.py adds the Heart Rate service/characteristic
# and, once `respira live --source ble:...` has subscribed, sends real Heart Rate
# Measurement packets whose RR intervals carry RSA at 9 breaths/min (HR 62 +- 6 bpm),
# 4x faster than real time. Midway the strap disconnects for 2 s and comes back.
# Checks: respiration rate within 1 bpm of 9, heart rate inside the RSA swing, RSA
# amplitude near its 12 bpm peak-to-trough truth, RMSSD near the sent RR series', and
# the disconnection reported, marked as a gap and recovered.
set -euo pipefail
RESPIRA=${1:?usage: test_live_ble.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ADDRESS=AA:BB:CC:DD:EE:FF
source "$SRC/tests/support/background_jobs.sh"
/usr/bin/python3 -c "import dbusmock" 2>/dev/null || { echo "FAIL: python3-dbusmock missing"; exit 1; }

dbus-daemon --session --nofork --address="unix:path=$T/bus" --print-address=3 3>"$T/addr" 2>/dev/null &
PIDS+=($!)
for i in $(seq 50); do [ -s "$T/addr" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$T/addr")
/usr/bin/python3 -m dbusmock --system -t bluez5 > "$T/mock.log" 2>&1 &
PIDS+=($!)
for i in $(seq 100); do
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.bluez 2>/dev/null | grep -q true && break
  sleep 0.05
done

/usr/bin/python3 "$SRC/scripts/e2e/ble_strap.py" $ADDRESS --rate 9 --hr 62 --rsa 6 \
  --seconds 150 --speed 4 --pause-at 90 --pause-for 2 > "$T/strap.log" 2>&1 &
STRAP=$!
PIDS+=($STRAP)
for i in $(seq 100); do grep -q ready "$T/strap.log" && break; sleep 0.05; done

"$RESPIRA" live --source ble:$ADDRESS --duration 45 --rates-csv "$T/rates.csv" \
  --events-csv "$T/events.csv" > "$T/live.txt" 2> "$T/live.err" &
LIVE=$!
PIDS+=($LIVE)
wait $STRAP || { cat "$T/strap.log"; echo "FAIL: strap emulation failed"; exit 1; }
kill -INT $LIVE
wait $LIVE
cat "$T/strap.log"; head -n 1 "$T/live.txt"; tail -n 2 "$T/live.txt"; cat "$T/live.err"

/usr/bin/python3 - "$T/live.txt" "$T/rates.csv" "$T/strap.log" "$T/live.err" <<'PY'
import csv, re, statistics, sys
live, rates_path, strap, err = [open(p).read() if i != 1 else p for i, p in enumerate(sys.argv[1:])]
ok = True
def check(cond, what):
    global ok
    print(('ok   ' if cond else 'FAIL ') + what)
    ok = ok and cond
with open(rates_path, newline='') as f:
    rows = list(csv.DictReader(f))
check([int(r['time_s']) for r in rows] == list(range(len(rows))), 'one rate row per second from 0')
est = [float(r['rate_bpm']) for r in rows if int(r['time_s']) >= 40 and r['rate_bpm']]
median = statistics.median(est) if est else float('nan')
check(len(est) >= 60 and abs(median - 9.0) <= 1.0, f'respiration rate {median:.2f} bpm vs 9 ({len(est)} rows)')
status = [l for l in live.splitlines() if l.startswith('t=') and ' hr ' in l]
check(len(status) > 60, f'{len(status)} status lines with heart figures')
last = status[-1] if status else ''
m = re.search(r'hr +([\d.]+) bpm +rmssd +([\d.]+) ms +rsa +([\d.]+) bpm', last)
hr, rmssd, rsa = (float(x) for x in m.groups()) if m else (0, 0, 0)
check(55 <= hr <= 69, f'heart rate {hr} bpm within the 62 +- 6 swing')
check(10.2 <= rsa <= 13.8, f'RSA amplitude {rsa} bpm vs 12 peak-to-trough (15 %)')
truth = float(re.search(r'rmssd_ms ([\d.]+)', strap).group(1))
check(abs(rmssd - truth) <= 0.1 * truth, f'RMSSD {rmssd} ms vs {truth} ms sent (10 %)')
check('disconnected' in err and 'reconnected' in err, 'disconnection reported and recovered')
gaps = re.search(r'(\d+) gaps', live)
check(gaps is not None and int(gaps.group(1)) >= 1, 'the disconnection is marked as a gap')
after = [r for r in rows if int(r['time_s']) > 100 and r['rate_bpm']]
check(len(after) >= 20, f'{len(after)} rate rows after the reconnection')
sys.exit(0 if ok else 1)
PY
echo PASS
