#!/usr/bin/env bash
# kg eval's tests (tests/eval.rs) compare its output with the reference scorer
# tests/fixtures/eval/score.py, which needs python3 and its standard library only.
set -euo pipefail
if command -v python3 >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 >/dev/null
