#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages the kiosk needs.
#   scripts/system-packages.sh run    what `make run` needs (display, speech, card reader)
#   scripts/system-packages.sh test   all of that plus what the test suite drives for real
# Uses apt-get when root, sudo otherwise, and says plainly what to do when neither works.
set -euo pipefail

RUN_PKGS=(
  # a virtual environment and what pip compiles (pyscard) need these on a fresh Debian
  python3-venv python3-dev build-essential
  # Kivy's window through Mesa EGL/GL (works on KMS/DRM, X11 and offscreen)
  libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 libgbm1 libmtdev1 libdrm2 libudev1
  libx11-6 libxext6 libxrender1 libxcursor1 libxi6 libxrandr2 libxss1 libxfixes3
  # read aloud
  libespeak-ng1 espeak-ng-data espeak-ng alsa-utils libasound2
  # smart-card hook (pyscard compiles against pcsclite with swig)
  libpcsclite-dev pcscd swig
  # translations are compiled with Babel; gettext gives msgfmt for checks
  gettext
)
TEST_PKGS=(
  sox pcsc-tools vsmartcard-vpcd postgresql postgresql-client chromium systemd
)

mode=${1:-run}
pkgs=("${RUN_PKGS[@]}")
[ "$mode" = test ] && pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "Cannot install system packages: not root and sudo is not available without a password." >&2
  echo "Ask an administrator to run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
