#!/usr/bin/env bash
# xvfb_run.sh COMMAND...: runs COMMAND on a private 1280x720 Xvfb screen and returns its status.
# Xvfb chooses a free display itself (-displayfd) and says which once it accepts clients, so
# GUI tests running in parallel cannot race for one display number the way `xvfb-run -a`
# does (two of them picked the same number and one window found no display). -noreset: an X
# server resets when its last client leaves and refuses connections meanwhile, so a test that
# polls with xdotool while the window starts could make the window fail to open its display
# (CI: test_gui_clinic, "X11: Failed to open display"). Before COMMAND runs, a client must have
# talked to the server; a server that does not answer is replaced.
set -uo pipefail
command -v Xvfb >/dev/null || { echo "FAIL: Xvfb is missing (apt-get install xvfb)" >&2; exit 1; }
command -v xdotool >/dev/null || { echo "FAIL: xdotool is missing (apt-get install xdotool)" >&2; exit 1; }
dir=$(mktemp -d)
xvfb=
stop_xvfb() { [[ -n $xvfb ]] && { kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; }; xvfb=; }
trap 'stop_xvfb; rm -rf "$dir"' EXIT

start_xvfb() {  # starts Xvfb and sets DISPLAY; fails if it does not answer a client
  : > "$dir/display"
  Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp -noreset 3>"$dir/display" 2>"$dir/xvfb.log" &
  xvfb=$!
  for _ in $(seq 200); do
    [[ -s $dir/display ]] && break
    kill -0 "$xvfb" 2>/dev/null || break
    sleep 0.05
  done
  [[ -s $dir/display ]] || return 1
  DISPLAY=:$(head -n1 "$dir/display")
  export DISPLAY
  for _ in $(seq 50); do
    xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
    kill -0 "$xvfb" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

unset WAYLAND_DISPLAY
for attempt in 1 2 3; do
  start_xvfb && break
  echo "xvfb_run: Xvfb attempt $attempt did not answer on ${DISPLAY:-no display}: $(tail -3 "$dir/xvfb.log")" >&2
  stop_xvfb
  [[ $attempt == 3 ]] && { echo "FAIL: Xvfb did not start" >&2; exit 1; }
done
"$@"
