#!/usr/bin/env bash
# Installs the Debian packages cohsim needs, if any is missing. Sourced by the
# quick-start and test scripts, so each works on a fresh Debian 12 machine.
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config libsystemc-dev libyaml-cpp-dev
          libboost-program-options-dev nlohmann-json3-dev liblzma-dev xz-utils valgrind libgtest-dev libgmock-dev libbenchmark-dev clang clang-14 libclang-rt-14-dev
          pybind11-dev python3-dev python3-numpy python3-pandas python3-matplotlib
          python3-distributed python3-pytest python3-pip python3-setuptools python3-wheel
          chromium   # the classroom view's browser test (tests/browser/)
          graphviz)  # protocol show --format svg/png
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm (the browser test's driver): a node from another source (NodeSource's
# package bundles npm) counts; Debian's packages only when the commands are missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "cohsim: installing missing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
