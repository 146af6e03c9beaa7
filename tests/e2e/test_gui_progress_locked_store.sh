#!/usr/bin/env bash
# The Progress screen never waits on the store. On a real PostgreSQL server, another session
# holds the breaths table locked (a long transaction at another workstation), so reading the
# patient's progress waits until the server gives up (lock_timeout, 5 s). Meanwhile the window
# keeps drawing: at 1.5 s it shows that it is reading (no error yet, which a frame that waited
# on the store could not show), at 9 s the lock error in the warning colour, and once the lock
# is gone the patient's charts and sessions. Leaving the window does not wait for the
# server either: the stuck read is cancelled (PQcancel), so the window that took its
# screenshot at 1.5 s has ended well before the lock timeout (5 s after the read began);
# the same for the clinician's patient list, which reads every patient's breaths. Each is
# compared with the same window over an unlocked store.
#   respira gui --db URL --patient ID --screen progress|clinic --screenshot PATH --after SECONDS
set -euo pipefail
RESPIRA=$(realpath "${1:?usage: test_gui_progress_locked_store.sh /path/to/respira}")
SRC=${RESPIRA_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/support/gui_under_xvfb.sh"
source "$SRC/tests/support/throwaway_postgres.sh"
start_postgres
export XDG_CONFIG_HOME="$T/config"  # the window's own settings, not the user's
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"; }

source "$SRC/tests/support/practised_patient.sh"
P=$(practised_patient "$PG_URL" "Locked Out" 7 6)

shot() {  # shot OUT AFTER_SECONDS [SCREEN]
  "${XVFB[@]}" "$RESPIRA" gui --db "$PG_URL" --patient "$P" --source synthetic:6 --screen "${3:-progress}" \
    --screenshot "$1" --after "$2"
}
# Seconds the window lived after its screenshot (start-up counted in).
left_after() {  # left_after AFTER_SECONDS COMMAND...
  local after=$1 start end; shift
  start=$(date +%s.%N); "$@"; end=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]) - float(sys.argv[3]):.2f}')" "$start" "$end" "$after"
}
# How long each window takes to end with nothing locked (ASan builds take seconds)...
free_progress=$(left_after 1.5 shot "$T/free_progress.png" 1.5)
free_clinic=$(left_after 1.5 shot "$T/free_clinic.png" 1.5 clinic)

# Another session takes the lock and keeps it until it is ended below.
psql -X -q "$PG_URL" -c "BEGIN; LOCK TABLE breaths IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600); COMMIT" \
  > /dev/null 2>&1 &
locked=0
for _ in $(seq 100); do
  locked=$(sql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'breaths' AND l.mode = 'AccessExclusiveLock' AND l.granted")
  [[ $locked == 1 ]] && break
  sleep 0.1
done
[[ $locked == 1 ]] || fail "the breaths table could not be locked"

# ...and with its read stuck on the lock: no longer (waiting out the lock adds about 3.5 s).
ends_as_fast() {  # ends_as_fast SCREEN FREE_SECONDS LOCKED_SECONDS
  echo "$1: the window ended $3 s after its screenshot with the read stuck, $2 s with nothing locked"
  python3 -c "import sys; sys.exit(float(sys.argv[2]) - float(sys.argv[1]) >= 2.0)" "$2" "$3" ||
    fail "the $1 window waited for the locked store on leaving"
}
ends_as_fast Progress "$free_progress" "$(left_after 1.5 shot "$T/reading.png" 1.5)"
ends_as_fast Patients "$free_clinic" "$(left_after 1.5 shot "$T/clinic.png" 1.5 clinic)"
shot "$T/locked.png" 9
sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()" \
  > /dev/null
shot "$T/read.png" 2

PYTHONPATH="$SRC/tests/support" /usr/bin/python3 - "$T" <<'PY'
import sys
from png_image import read_png

# The calm palette's warning colour (#D55E00) below the navigation bar: the error line only.
def warning_pixels(rows):
    return sum(1 for y in range(80, 720) for x in range(0, 1280)
               if abs(rows[y][3 * x] - 0xD5) < 24 and abs(rows[y][3 * x + 1] - 0x5E) < 24 and rows[y][3 * x + 2] < 40)

shots = {}
for name in ["reading", "locked", "read"]:
    w, h, rows = read_png(f"{sys.argv[1]}/{name}.png")
    assert (w, h) == (1280, 720), f"{name}: size {w}x{h}"
    colours = len({rows[y][3 * x:3 * x + 3] for y in range(80, h, 4) for x in range(0, w, 4)})
    shots[name] = (rows, warning_pixels(rows), colours)
    print(f"{name}: warning-colour pixels {shots[name][1]}, colours below the bar {colours}")

assert shots["reading"][1] == 0, "an error is drawn at 1.5 s: the frame waited for the locked store"
assert shots["locked"][1] > 40, "no error line once the server gave up on the lock"
assert shots["read"][1] == 0, "an error is drawn after the lock went"
# Charts and the session table add hundreds of colours to a screen of text lines: none are
# drawn without a finished read.
text_only = max(shots["reading"][2], shots["locked"][2])
assert shots["read"][2] > 2 * text_only, "the patient's charts are not drawn after the lock went"
PY
echo "PASS: Progress drew while the store was locked, showed the lock error, then the patient's data"
