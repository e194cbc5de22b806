#!/usr/bin/env bash
# The corpus-scale benchmark of issue #11, all in one run on the same machine:
#   1. `kg build` of a generated corpus with 1 and 2 threads (wall, CPU, peak RSS, sizes),
#      the two runs' files compared byte for byte;
#   2. spaCy's EntityRuler with the same names (venv under target/bench-scale/venv);
#   3. a bare aho-corasick scan of the same names (examples/ac_scan.rs);
#   4. the planted relations of the corpus's gold.jsonl: precision and recall of the graph;
#   5. optionally (SPARK=1) the Spark job in local[2] mode against `kg build --threads 2` on
#      the first SPARK_MB megabytes of the corpus (default 10).
#
# usage: benches/scale.sh CORPUS_DIR        # CORPUS_DIR holds articles/, gazetteer.json, gold.jsonl
# Make a corpus with gen_corpus.py (shared bench tools): --out target/corpus-100mb --mb 100
# Results go to target/bench-scale/; the table is printed on stdout (markdown).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: benches/scale.sh CORPUS_DIR}
articles="$corpus/articles"
gazetteer="$corpus/gazetteer.json"
work=target/bench-scale
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example ac_scan
kg=target/release/kg
mb=$(du -sb "$articles" | awk '{printf "%.1f", $1/1e6}')
docs=$(find "$articles" -type f | wc -l)
echo "corpus: $docs articles, $mb MB; load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

row() { # name wall user sys rss_kb
    awk -v n="$1" -v w="$2" -v u="$3" -v s="$4" -v r="$5" -v mb="$mb" 'BEGIN {
        printf "| %s | %.1f s | %.1f s | %.1f MB/s | %.1f MB/s | %d MB |\n", n, w, u + s, mb / w, mb / (u + s), r / 1024 }'
}

echo "| run | wall | CPU (user+sys) | MB/s (wall) | MB/s per CPU-second | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|"
for t in 1 2; do
    rm -rf "$work/t$t"
    /usr/bin/time -f "%e %U %S %M" -o "$work/t$t.time" \
        "$kg" build "$articles" --lexicon "$gazetteer" --threads "$t" --out "$work/t$t" -q
    read -r wall user sys rss < "$work/t$t.time"
    row "kg build --threads $t" "$wall" "$user" "$sys" "$rss"
done
for f in graph.json graph.dot merges.json claims.jsonl; do
    cmp -s "$work/t1/$f" "$work/t2/$f" || { echo "$f differs between 1 and 2 threads" >&2; exit 1; }
done
echo "1 and 2 threads: identical files" >&2

venv="$work/venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import spacy" 2>/dev/null ||
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check spacy
/usr/bin/time -f "%e %U %S %M" -o "$work/spacy.time" \
    "$venv/bin/python" benches/spacy_ruler.py "$articles" "$gazetteer" > "$work/spacy.out"
read -r wall user sys rss < "$work/spacy.time"
row "spaCy $("$venv/bin/python" -c 'import spacy; print(spacy.__version__)') EntityRuler (names only), 1 process" "$wall" "$user" "$sys" "$rss"

read -r bytes matches scan_s read_s names < <(target/release/examples/ac_scan "$articles" "$gazetteer")
awk -v b="$bytes" -v s="$scan_s" -v n="$names" -v m="$matches" 'BEGIN {
    printf "| bare aho-corasick scan (%d names, %d matches), in memory, 1 thread | %.2f s | — | %.0f MB/s | — | — |\n", n, m, s, b / 1e6 / s }'

echo
echo "Output of kg build: $(du -h "$work/t2/graph.json" | cut -f1) graph.json," \
    "$(du -h "$work/t2/claims.jsonl" | cut -f1) claims.jsonl," \
    "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['merges']))" "$work/t2/merges.json") merge-log entries."
if [ -f "$corpus/gold.jsonl" ]; then
    python3 benches/scale_quality.py "$work/t2/graph.json" "$corpus/gold.jsonl" > "$work/quality.json"
    python3 -c "import json,sys; q=json.load(open(sys.argv[1])); print(f\"Planted relations: precision {q['precision']:.4f}, recall {q['recall']:.4f} ({q['gold']} unique gold triples)\")" "$work/quality.json"
fi

if [ "${SPARK:-0}" = 1 ]; then
    spark_mb=${SPARK_MB:-10}
    small="$work/corpus-${spark_mb}mb"
    rm -rf "$small" && mkdir -p "$small/articles"
    limit=$((spark_mb * 1000000))
    total=0
    for f in $(ls "$articles" | sort); do
        size=$(stat -c %s "$articles/$f")
        [ $((total + size)) -gt "$limit" ] && break
        cp "$articles/$f" "$small/articles/"
        total=$((total + size))
    done
    cp "$gazetteer" "$small/"
    python=target/consumers/venv/bin/python
    "$python" -c "import pyspark" 2>/dev/null || bash .ci/install.d/spark.sh
    rm -rf "$work/spark-claims" "$work/spark-graph" "$work/small-build"
    /usr/bin/time -f "%e %U %S %M" -o "$work/small.time" \
        "$kg" build "$small/articles" --lexicon "$small/gazetteer.json" --threads 2 --out "$work/small-build" -q
    SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$python" PYSPARK_DRIVER_PYTHON="$python" \
        /usr/bin/time -f "%e %U %S %M" -o "$work/spark.time" \
        target/consumers/venv/bin/spark-submit --master 'local[2]' \
        --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
        --conf spark.ui.enabled=false \
        --files "$kg,$small/gazetteer.json" contrib/spark/kg_spark.py \
        "$small/articles" "$work/spark-claims" --lexicon gazetteer.json --partitions 4 \
        --merge-out "$work/spark-graph" 2> "$work/spark.log"
    for f in graph.json graph.dot merges.json; do
        cmp -s "$work/small-build/$f" "$work/spark-graph/$f" || { echo "$f differs between kg build and Spark" >&2; exit 1; }
    done
    echo
    echo "Spark local[2] against kg build --threads 2 on $(awk -v t=$total 'BEGIN{printf "%.1f", t/1e6}') MB (graphs identical):"
    echo
    echo "| run | wall | CPU (user+sys) | MB/s (wall) | MB/s per CPU-second | peak RSS |"
    echo "|---|---:|---:|---:|---:|---:|"
    mb=$(awk -v t=$total 'BEGIN{printf "%.1f", t/1e6}')
    read -r wall user sys rss < "$work/small.time"
    row "kg build --threads 2" "$wall" "$user" "$sys" "$rss"
    read -r wall user sys rss < "$work/spark.time"
    row "Spark local[2] job (CPU: spark-submit and every process it reaped; RSS: its largest process)" "$wall" "$user" "$sys" "$rss"
fi
