#!/usr/bin/env bash
# Viewer area (tests/viewer.rs): Debian Chromium for the browser checks of the HTML page,
# Node.js + npm to run tests/viewer/browser.cjs, and playwright-core (no browser download:
# it drives /usr/bin/chromium) from the committed package-lock.json into
# target/consumers/viewer-npm. The test installs it there itself when missing; doing it here
# only warms it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/../.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
dir=target/consumers/viewer-npm
mkdir -p "$dir"
if ! cmp -s tests/viewer/package-lock.json "$dir/package-lock.json" \
    || [ ! -f "$dir/node_modules/playwright-core/package.json" ]; then
    cp tests/viewer/package.json tests/viewer/package-lock.json "$dir/"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi
