#!/usr/bin/env bash
# xvfb_run.sh COMMAND...: runs COMMAND on a private 1280x720 Xvfb screen and returns its status.
# Xvfb chooses a free display itself (-displayfd) and says which once it accepts clients, so
# GUI tests running in parallel cannot race for one display number the way `xvfb-run -a`
# does (two of them picked the same number and one window found no display).
set -uo pipefail
command -v Xvfb >/dev/null || { echo "FAIL: Xvfb is missing (apt-get install xvfb)" >&2; exit 1; }
dir=$(mktemp -d)
Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 200); do
  [[ -s $dir/display ]] && break
  kill -0 $xvfb 2>/dev/null || break
  sleep 0.05
done
[[ -s $dir/display ]] || { echo "FAIL: Xvfb did not start: $(cat "$dir/xvfb.log")" >&2; exit 1; }
DISPLAY=:$(head -n1 "$dir/display")
export DISPLAY
unset WAYLAND_DISPLAY
"$@"
