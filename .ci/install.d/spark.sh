#!/usr/bin/env bash
# Spark area (contrib/spark/, tests/spark.rs): a Java runtime from Debian and pyspark from
# PyPI in the consumers' venv, so the PySpark job runs in local[2] mode. pyspark 4 needs
# Java 17 or newer; Debian 12's default-jre-headless is OpenJDK 17.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/../.."
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq default-jre-headless >/dev/null
fi
mkdir -p target/consumers
if [ ! -x target/consumers/venv/bin/python ]; then
    python3 -m venv target/consumers/venv
fi
target/consumers/venv/bin/python -m pip install --quiet --disable-pip-version-check pyspark
