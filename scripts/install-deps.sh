#!/usr/bin/env bash
# Installs the Debian 12 packages Respira builds, runs and tests with.
# As root it runs apt-get itself; otherwise it prints the one command to run.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  portaudio19-dev libasound2-dev libimgui-dev libstb-dev libglfw3-dev libgl-dev libx11-dev libxrandr-dev
  libkissfft-dev catch2 libsndfile1-dev libsqlite3-dev sqlite3 libpq-dev
  libedf-dev nlohmann-json3-dev libcli11-dev libsdbus-c++-dev libsystemd-dev
  fonts-dejavu-core
  # test-time system components: display, sound server, serial ptys, BLE emulation, database
  xvfb xauth xdotool pulseaudio pulseaudio-utils libasound2-plugins sox socat
  dbus python3 python3-dbusmock python3-mne postgresql
  # reliability: fuzzing (scripts/fuzz.sh) and the no-network proof (strace)
  clang strace
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Respira needs these Debian packages; please run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -q
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
