#!/usr/bin/env bash
# Consumers of the data exports (tests/exports_formats.rs, exports_roundtrip.rs,
# exports_kuzu.rs): headless Chromium for the Cytoscape.js check; NetworkX, rdflib and Kùzu
# (which loads `kg export --format kuzu`) from PyPI. The tests create their own venv (networkx, rdflib, kuzu) and npm
# install (cytoscape) under target/consumers/ when missing; doing it here only warms them.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
mkdir -p target/consumers
if [ ! -x target/consumers/venv/bin/python ]; then
    python3 -m venv target/consumers/venv
fi
target/consumers/venv/bin/python -m pip install --quiet --disable-pip-version-check networkx rdflib kuzu
if [ ! -f target/consumers/npm/node_modules/cytoscape/package.json ]; then
    npm install --silent --no-audit --no-fund --prefix target/consumers/npm cytoscape
fi
