#!/usr/bin/env bash
# Layering guard. Target boundaries already stop a lower layer from seeing an upper
# layer's headers; this also catches system headers that would smuggle I/O, threads or
# GUI code into a layer that must stay pure.
set -uo pipefail
SRC=${1:?usage: check_layers.sh SRC_DIR}
fail=0

forbid() {  # forbid LAYER REGEX WHY
  local hits
  hits=$(grep -rnE "^\s*#\s*include\s*[<\"]($2)" "$SRC/$1" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation in src/$1 ($3):"; echo "$hits"; fail=1
  fi
}

upper_of_dsp='pacer/|sensors/|session/|app/|cli/'
forbid dsp "$upper_of_dsp|portaudio|sndfile|edflib|sqlite3|libpq|imgui|GLFW|fstream|iostream|cstdio|thread|mutex|condition_variable|future" \
  "dsp is pure: no upper layers, no I/O, no threads"
forbid pacer "sensors/|session/|app/|cli/|portaudio|sndfile|sqlite3|imgui|GLFW|fstream|iostream|thread|mutex" \
  "pacer is pure"
forbid sensors "session/|app/|cli/|imgui|GLFW|sqlite3|libpq" "sensors sits below session and app"
forbid session "app/|cli/|imgui|GLFW" "session sits below app and cli"
forbid app "cli/" "app sits beside cli, not on it"

[ $fail -eq 0 ] && echo "layering ok"
exit $fail
