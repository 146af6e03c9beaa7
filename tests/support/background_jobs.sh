# Sourced by end-to-end tests that start helpers in the background (socat, feeders, a mock
# BlueZ): makes the temporary folder T and, on exit, stops every process in PIDS and removes T
# (KEEP=1 keeps it for a look).
T=$(mktemp -d)
PIDS=()
stop_background_jobs() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n ${KEEP:-} ]]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap stop_background_jobs EXIT
