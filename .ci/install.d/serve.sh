#!/usr/bin/env bash
# Serve area: openapi-spec-validator in the consumers' venv, which tests/query_api.rs uses to
# check docs/openapi.json (tests/common creates the venv when missing; this only warms it).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p target/consumers
if [ ! -x target/consumers/venv/bin/python ]; then
    python3 -m venv target/consumers/venv
fi
target/consumers/venv/bin/python -m pip install --quiet --disable-pip-version-check openapi-spec-validator
