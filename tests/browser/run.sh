#!/usr/bin/env bash
# ctest view_browser: installs playwright-core (package-lock.json, `npm ci`, from the npm
# cache when it has it) into a build directory and runs view_test.js against Debian's
# /usr/bin/chromium. Skips (exit 77) only when node is absent.
set -euo pipefail
cohsim=$1 src=$2 work=$3
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node/npm not installed (apt-get install nodejs npm); the classroom view's browser test needs them"
  exit 77
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "cohsim: installing Debian's chromium for the browser test" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
fi
mkdir -p "$work"
cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" "$work/"
cd "$work"
if [ ! -d node_modules/playwright-core ]; then
  # playwright-core downloads no browser; --ignore-scripts makes sure nothing else does.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null
fi
NODE_PATH="$work/node_modules" exec node "$src/tests/browser/view_test.js" --cohsim "$cohsim" --root "$src" --out "$work/out"
