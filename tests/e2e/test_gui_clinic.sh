#!/usr/bin/env bash
# The clinician's patient list under Xvfb, on a real store:
#   respira gui --db STORE --screen clinic --screenshot PATH --after SECONDS
# draws every patient with their flags; a patient whose marked flare-up is still active shows
# the flag (icon and word, in the warning colour) and the same store before that session shows
# none; the list is not the Progress screen. Then, with real key presses (xdotool): F6 opens
# the list from the Start screen, the flagged patient is listed first, and Enter (after Down)
# opens that row's patient, which the window remembers as the chosen patient; so does a click.
set -euo pipefail
RESPIRA=$(realpath "${1:?usage: test_gui_clinic.sh /path/to/respira}")
SRC=${RESPIRA_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/support/gui_under_xvfb.sh"
command -v xdotool >/dev/null || fail "xdotool is missing (apt-get install xdotool)"
export XDG_CONFIG_HOME="$T/config"  # the window's own settings, not the user's

# Two patients, each with an ordinary session; a copy of the store then; then the second
# patient marks a flare-up.
DB="$T/clinic.db"
STEADY=$("$RESPIRA" patient add "Steady Patient" --db "$DB")
FLAGGED=$("$RESPIRA" patient add "Flagged Patient" --db "$DB")
record() {  # record PATIENT PRE POST [options]
  local patient=$1 pre=$2 post=$3; shift 3
  "$RESPIRA" session record --db "$DB" --patient "$patient" --source synthetic:6 --duration 3 \
    --pre-tension "$pre" --post-tension "$post" "$@" > /dev/null
}
record "$STEADY" 5 3 --notes "easier today"
record "$FLAGGED" 6 5
cp "$DB" "$T/before.db"
record "$FLAGGED" 7 6 --flare-up --notes "neck flared after a long drive"
"$RESPIRA" progress --patient "$FLAGGED" --db "$DB" | grep -q "FLARE-UP .* marked by the patient" \
  || fail "the flare-up is not on record"

shot() {  # shot STORE SCREEN OUT [options]
  local store=$1 screen=$2 out=$3; shift 3
  "${XVFB[@]}" "$RESPIRA" gui --db "$store" --source synthetic:6 --screen "$screen" --screenshot "$out" --after 2.5 "$@"
}
shot "$DB" clinic "$T/clinic.png"
shot "$T/before.db" clinic "$T/clinic_before.png"
shot "$DB" progress "$T/progress.png" --patient "$FLAGGED"

PYTHONPATH="$SRC/tests/support" /usr/bin/python3 - "$T" <<'PY'
import sys
from png_image import read_png, luminance

shots = {}
for name in ["clinic", "clinic_before", "progress"]:
    w, h, rows = read_png(f"{sys.argv[1]}/{name}.png")
    assert (w, h) == (1280, 720), f"{name}: size {w}x{h}"
    lum = luminance(rows, 0, 0, w, h)
    mean = sum(lum) / len(lum)
    spread = (sum((v - mean) ** 2 for v in lum) / len(lum)) ** 0.5
    print(f"{name}: mean {mean:.1f} sd {spread:.1f}")
    assert spread > 8, f"{name}: looks blank"
    shots[name] = rows

# The flag is drawn in the calm palette's warning colour (#D55E00) next to its icon and word;
# below the navigation bar (whose signal dot may use it too) nothing else is.
def warning_pixels(rows):
    return [(x, y) for y in range(80, 720) for x in range(0, 1280)
            if abs(rows[y][3 * x] - 0xD5) < 24 and abs(rows[y][3 * x + 1] - 0x5E) < 24 and rows[y][3 * x + 2] < 40]

flagged, before = len(warning_pixels(shots["clinic"])), len(warning_pixels(shots["clinic_before"]))
print(f"warning-colour pixels: with the flare-up {flagged}, before it {before}")
assert flagged > 40, "the flare-up flag is not drawn"
assert before == 0, "a flag is drawn for a store without one"

# The list is its own screen, not the Progress screen.
a = luminance(shots["clinic"], 0, 80, 1280, 720)
b = luminance(shots["progress"], 0, 80, 1280, 720)
differ = sum(1 for p, q in zip(a, b) if abs(p - q) > 20) / len(a)
print(f"clinic vs progress: {differ:.1%} of pixels differ")
assert differ > 0.03, "the patient list looks like the Progress screen"

# Where the flagged patient's row is, for the mouse below.
ys = sorted(y for _, y in warning_pixels(shots["clinic"]))
open(f"{sys.argv[1]}/flagged_row_y", "w").write(str(ys[len(ys) // 2]))
PY

# Keyboard: Start -> F6 -> (Down) -> Enter; the chosen patient is saved in the window's
# settings. Each run gets its own display (xvfb-run runs a script, not a shell function).
cat > "$T/keys.sh" <<'KEYS'
set -euo pipefail
RESPIRA=$1 DB=$2 LOG=$3; shift 3
"$RESPIRA" gui --db "$DB" --source synthetic:6 --screen start > "$LOG" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
window=
for _ in $(seq 100); do
  window=$(xdotool search --name '^Respira$' 2>/dev/null | head -1 || true)
  [[ -n $window ]] && break
  sleep 0.1
done
[[ -n $window ]] || { echo "the window did not appear" >&2; cat "$LOG" >&2; exit 1; }
sleep 2
xdotool key --window "$window" F6
sleep 3  # the list is read in the background (slow under ASan and a software rasteriser)
# Held for 0.4 s like a real key press: Dear ImGui 1.86 reads key state once per frame, so a
# press and release inside one (slow, under ASan) frame would go unseen. Down may repeat while
# held; with two rows it stops on the second.
for key in "$@"; do
  if [[ $key == click:* ]]; then  # click:X,Y in window coordinates
    IFS=, read -r x y <<< "${key#click:}"
    xdotool mousemove --window "$window" "$x" "$y"
    sleep 0.2
    xdotool mousedown 1
    sleep 0.1
    xdotool mouseup 1
  else
    xdotool keydown --window "$window" "$key"
    sleep 0.4
    xdotool keyup --window "$window" "$key"
  fi
  sleep 0.3
done
sleep 1
KEYS
run_keys() {  # run_keys KEY... ; prints the patient the window saved
  rm -rf "$XDG_CONFIG_HOME"
  "${XVFB[@]}" bash "$T/keys.sh" "$RESPIRA" "$DB" "$T/gui.log" "$@"
  sed -n 's/^patient = //p' "$XDG_CONFIG_HOME/respira/gui.conf" 2>/dev/null || true
}
FIRST=$(run_keys Return)
[[ $FIRST == "$FLAGGED" ]] || fail "Enter on the first row chose '$FIRST', expected the flagged patient $FLAGGED"
SECOND=$(run_keys Down Return)
[[ $SECOND == "$STEADY" ]] || fail "Down, Enter chose '$SECOND', expected $STEADY"
# Mouse: a click on the flagged patient's row (found in the screenshot above) opens them.
CLICKED=$(run_keys "click:200,$(cat "$T/flagged_row_y")")
[[ $CLICKED == "$FLAGGED" ]] || fail "a click on the flagged row chose '$CLICKED', expected $FLAGGED"
echo "PASS: patient list with flags drawn, chosen from the keyboard and with the mouse"
