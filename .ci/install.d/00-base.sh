#!/usr/bin/env bash
# Base packages: Python venv support for consumer tests that run NetworkX and friends.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-venv >/dev/null
