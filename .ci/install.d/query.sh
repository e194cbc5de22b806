#!/usr/bin/env bash
# Query area: NetworkX (with numpy and scipy, which its PageRank needs) for the consumer check
# in tests/query_networkx.rs, in the venv that test uses. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p target
if [ ! -x target/venv-networkx/bin/python ]; then
    python3 -m venv target/venv-networkx
fi
if ! target/venv-networkx/bin/python -c "import networkx, numpy, scipy" >/dev/null 2>&1; then
    target/venv-networkx/bin/python -m pip install --quiet --disable-pip-version-check networkx numpy scipy
fi
