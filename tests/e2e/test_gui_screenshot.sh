#!/usr/bin/env bash
# The trainer window, end to end under Xvfb: the screenshot contract
#   respira gui --source SPEC --screen live|review|progress --screenshot PATH --after SECONDS
# gives a valid 1280x720 PNG that is not blank; the pacer really moves between two moments;
# Review and Progress draw real data; and without a display the window refuses in one
# clear sentence with exit code 2 and no GLFW noise (a display that cannot be opened is
# named, with GLFW's reason).
set -euo pipefail
RESPIRA=${1:?usage: test_gui_screenshot.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/support/gui_under_xvfb.sh"
RECORDING="$SRC/assets/recordings/neurokit_resting_rsp_150s.csv"

# 1. No display: one clear message, exit 2, nothing from GLFW.
set +e
env -u DISPLAY -u WAYLAND_DISPLAY "$RESPIRA" gui --source synthetic:6 >"$T/nodisplay.out" 2>"$T/nodisplay.err"
code=$?
set -e
[ "$code" -eq 2 ] || { echo "no-display exit code $code, expected 2"; cat "$T/nodisplay.err"; exit 1; }
grep -q "No display available: the trainer window needs a graphical session (DISPLAY/WAYLAND_DISPLAY unset)." "$T/nodisplay.err"
grep -q "respira session record" "$T/nodisplay.err"
if grep -qi "glfw\|65544" "$T/nodisplay.err"; then echo "GLFW noise without a display"; exit 1; fi
# A display that is named but cannot be opened is named in the message, with GLFW's reason.
set +e
env -u WAYLAND_DISPLAY DISPLAY=:397 "$RESPIRA" gui --source synthetic:6 >"$T/baddisplay.out" 2>"$T/baddisplay.err"
code=$?
set -e
[ "$code" -eq 2 ] || { echo "unopenable display: exit code $code, expected 2"; cat "$T/baddisplay.err"; exit 1; }
grep -q "cannot open the display :397 (GLFW .*Failed to open display" "$T/baddisplay.err" \
  || { echo "unopenable display: unclear message"; cat "$T/baddisplay.err"; exit 1; }
grep -q "respira session record" "$T/baddisplay.err"

# 2. Screenshots: the live pacer at two moments, and the review screen.
"${XVFB[@]}" "$RESPIRA" gui --source synthetic:6 --screen live --screenshot "$T/live_a.png" --after 2.0
"${XVFB[@]}" "$RESPIRA" gui --source synthetic:6 --screen live --screenshot "$T/live_b.png" --after 4.0
"${XVFB[@]}" "$RESPIRA" gui --source "replay:$RECORDING@6" --screen review --screenshot "$T/review.png" --after 10

# 3. Progress from a real store: two sessions recorded headless, then drawn.
DB="$T/store.db"
source "$SRC/tests/support/practised_patient.sh"
PATIENT=$(practised_patient "$DB" "Screenshot Test" 7 6)
"${XVFB[@]}" "$RESPIRA" gui --db "$DB" --patient "$PATIENT" --source synthetic:6 --screen progress --screenshot "$T/progress.png" --after 1.0

PYTHONPATH="$SRC/tests/support" /usr/bin/python3 - "$T" <<'PY'
import sys
from png_image import read_png, luminance

shots = {}
for name in ["live_a", "live_b", "review", "progress"]:
    w, h, rows = read_png(f"{sys.argv[1]}/{name}.png")
    assert (w, h) == (1280, 720), f"{name}: size {w}x{h}"
    lum = luminance(rows, 0, 0, w, h)
    mean = sum(lum) / len(lum)
    spread = (sum((v - mean) ** 2 for v in lum) / len(lum)) ** 0.5
    colours = len({rows[y][3 * x:3 * x + 3] for y in range(0, h, 4) for x in range(0, w, 4)})
    print(f"{name}: mean {mean:.1f} sd {spread:.1f} colours {colours}")
    assert spread > 8 and colours > 200, f"{name}: looks blank"
    shots[name] = rows

# The pacer region (orb, left of the metrics column) must change between 2 s and 4 s of
# the coherent guide (volume 0.32 -> 0.87); the title bar must not.
a = luminance(shots["live_a"], 40, 90, 880, 510)
b = luminance(shots["live_b"], 40, 90, 880, 510)
moved = sum(1 for p, q in zip(a, b) if abs(p - q) > 20) / len(a)
still_a = luminance(shots["live_a"], 0, 0, 600, 60)
still_b = luminance(shots["live_b"], 0, 0, 600, 60)
title_changed = sum(1 for p, q in zip(still_a, still_b) if abs(p - q) > 20) / len(still_a)
print(f"pacer region changed: {moved:.1%}; title bar changed: {title_changed:.1%}")
assert moved > 0.05, "the pacer did not move between the two screenshots"
assert title_changed < 0.01, "the static title bar changed"

# Review and Progress draw charts: many more distinct colours than an empty screen.
PY
echo "gui screenshots ok"
