#!/usr/bin/env bash
# ctest view_bundle: the committed classroom-view page (sim/cli/view/dist/view.html, which
# cohsim embeds) is exactly what esbuild builds from sim/cli/view/src/. Installs the esbuild
# of sim/cli/view/package-lock.json (`npm ci`, from the npm cache when it has it) into a
# build directory, rebuilds the page there from a copy of the sources, and compares.
# Skips (exit 77) only when node is absent.
set -euo pipefail
src=$1 work=$2
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node/npm not installed (apt-get install nodejs npm); the view bundle check needs them"
  exit 77
fi
view=$src/sim/cli/view
mkdir -p "$work"
rm -rf "$work/src"
cp -r "$view/src" "$view/build.js" "$view/package.json" "$view/package-lock.json" "$work/"
cd "$work"
locked=$(node -p 'require("./package-lock.json").packages["node_modules/esbuild"].version')
have=$(node -p 'try { require("./node_modules/esbuild/package.json").version } catch (e) { "" }')
if [ "$have" != "$locked" ]; then
  # esbuild's binary comes from its optional platform package; --ignore-scripts keeps
  # npm from running anything else.
  npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null
fi
node build.js --out "$work/view.html"
if ! cmp -s "$work/view.html" "$view/dist/view.html"; then
  echo "FAIL: sim/cli/view/dist/view.html is not the esbuild build of sim/cli/view/src/ (fresh build: $work/view.html)." >&2
  echo "Run \`npm ci && npm run build\` in sim/cli/view and commit dist/view.html." >&2
  exit 1
fi
echo "sim/cli/view/dist/view.html is the build of sim/cli/view/src/ ($(wc -c < "$work/view.html") bytes)"
