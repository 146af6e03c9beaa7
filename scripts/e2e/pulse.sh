# Sourced by e2e tests: a private PulseAudio daemon whose default source is a null
# sink's monitor, so PortAudio (ALSA "pulse"/"default" device) captures whatever is
# played into the sink. Needs pulseaudio, pulseaudio-utils, libasound2-plugins, sox.
#
#   source scripts/e2e/pulse.sh; pulse_start "$T"; pulse_play FILE.wav; ... ; pulse_stop
# pulse_start exports PULSE_RUNTIME_PATH/PULSE_SERVER so nothing touches another daemon.
# Safe under `set -e`.

pulse_start() {
  local dir="$1"
  mkdir -p "$dir/pulse-runtime" "$dir/pulse-state"
  export PULSE_RUNTIME_PATH="$dir/pulse-runtime" PULSE_STATE_PATH="$dir/pulse-state"
  export PULSE_SERVER="unix:$dir/pulse-runtime/native"
  export XDG_RUNTIME_DIR="$dir/pulse-runtime"
  # The socket comes last: a client that reconnects while the daemon starts (the mic fault
  # test) must not find it before the microphone source it expects exists.
  cat > "$dir/breath.pa" <<PA
load-module module-null-sink sink_name=breath_sink rate=48000 channels=1
load-module module-remap-source master=breath_sink.monitor source_name=breath_mic
set-default-source breath_mic
load-module module-native-protocol-unix socket=$dir/pulse-runtime/native auth-anonymous=1
PA
  pulseaudio --daemonize=yes -n -F "$dir/breath.pa" --exit-idle-time=-1 --use-pid-file=yes \
    --log-target=file:"$dir/pulse.log" --system=no >/dev/null 2>&1 || return 1
  local i
  for i in $(seq 1 100); do
    pactl info >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "pulse.sh: PulseAudio did not come up (see $dir/pulse.log)" >&2
  return 1
}

# Plays a WAV (any rate/channels) into the null sink in real time, in the background;
# PULSE_FEEDER_PID holds the feeder's process-group leader.
pulse_play() {
  local wav="$1"
  setsid bash -c "sox -q '$wav' -t raw -e signed -b 16 -r 48000 -c 1 - | \
    pacat -p --raw --format=s16le --rate=48000 --channels=1 --latency-msec=20 -d breath_sink" &
  PULSE_FEEDER_PID=$!
}

pulse_stop_feeder() {
  if [ -n "${PULSE_FEEDER_PID:-}" ]; then
    kill -- -"$PULSE_FEEDER_PID" 2>/dev/null || true
    wait "$PULSE_FEEDER_PID" 2>/dev/null || true
    PULSE_FEEDER_PID=
  fi
}

pulse_stop() {
  pulse_stop_feeder
  pulseaudio --kill >/dev/null 2>&1 || true
}
