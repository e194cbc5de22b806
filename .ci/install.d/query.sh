#!/usr/bin/env bash
# Query area: numpy and scipy (NetworkX's PageRank needs them) in the consumers' venv that
# tests/query_networkx.rs uses (tests/common creates it when missing; this only warms it).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p target/consumers
if [ ! -x target/consumers/venv/bin/python ]; then
    python3 -m venv target/consumers/venv
fi
target/consumers/venv/bin/python -m pip install --quiet --disable-pip-version-check networkx numpy scipy
