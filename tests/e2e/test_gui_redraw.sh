#!/usr/bin/env bash
# Partial redraw (src/app/frame_damage.hpp), end to end under Xvfb: with --verify-redraw every
# frame drawn only where it changed is drawn whole as well, and both the back buffer and what
# the window shows must equal the whole frame pixel for pixel (the window stops with exit 1 at
# the first difference). Each screen that moves is run for a few seconds, and most of its
# frames must really have been redrawn in part (Xvfb's swap keeps the back buffer).
set -euo pipefail
RESPIRA=${1:?usage: test_gui_redraw.sh /path/to/respira}
SRC=${RESPIRA_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/support/gui_under_xvfb.sh"
RECORDING="$SRC/assets/recordings/neurokit_resting_rsp_150s.csv"
# Under ASan the window runs on Mesa's softpipe (gui_under_xvfb.sh), which leaves single
# pixels unpainted where a triangle edge runs exactly through pixel centres - against GL's
# rule that triangles sharing an edge cover every pixel once - so a whole frame there has
# cracks a partial one fills differently. There the same runs check memory safety only;
# the pixel comparison runs on llvmpipe, the renderer the window's targets are set for.
VERIFY=(--verify-redraw)
[[ ${GALLIUM_DRIVER:-} == softpipe ]] && VERIFY=()

check() {  # NAME MIN_SHARE ARGS...: runs the window, needs MIN_SHARE of frames redrawn in part
  local name=$1 min_share=$2
  shift 2
  "${XVFB[@]}" "$RESPIRA" gui "$@" --screenshot "$T/$name.png" --after 5 "${VERIFY[@]}" >"$T/$name.out" 2>&1 \
    || { echo "$name: the partial redraw differs from the whole frame"; cat "$T/$name.out"; exit 1; }
  [[ ${#VERIFY[@]} -eq 0 ]] && return
  local line
  line=$(grep "verify-redraw:" "$T/$name.out") || { echo "$name: no verify-redraw report"; cat "$T/$name.out"; exit 1; }
  echo "$name: $line"
  python3 - "$line" "$min_share" <<'PY'
import re, sys
m = re.search(r"(\d+) of (\d+) frames were redrawn in part", sys.argv[1])
assert m, "the swap here should keep the back buffer (Xvfb)"
partial, frames = int(m.group(1)), int(m.group(2))
assert frames > 0 and partial / frames >= float(sys.argv[2]), f"only {partial} of {frames} frames redrawn in part"
PY
}

check live_synthetic 0.8 --source synthetic:6 --screen live
check live_replay 0.8 --source "replay:$RECORDING@6" --screen live
check live_adaptive 0.8 --source synthetic:12 --screen live --pacing adaptive
check review 0.2 --source "replay:$RECORDING@6" --screen review
source "$SRC/tests/support/practised_patient.sh"
DB="$T/store.db"
PATIENT=$(practised_patient "$DB" "Redraw Test" 7 5)
check progress 0.8 --db "$DB" --patient "$PATIENT" --source synthetic:6 --screen progress
