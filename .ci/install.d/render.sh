#!/usr/bin/env bash
# Render area: Graphviz for the dot/svg/png consumer tests, CJK and emoji fonts so PNG labels
# draw real glyphs, Node.js + npm for the Mermaid parser check (the tests install the
# `mermaid` npm package themselves under target/).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
