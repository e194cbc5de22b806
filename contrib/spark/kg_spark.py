"""kg on Apache Spark: the map step (`kg extract`) on the cluster, the reduce step
(`kg merge`) on the driver.

    spark-submit --master yarn --files /path/to/kg,/path/to/gazetteer.json \
        contrib/spark/kg_spark.py hdfs:///news/2024 hdfs:///kg/claims-2024 \
        --lexicon gazetteer.json --partitions 200 --merge-out graph-2024

The input directory is searched recursively for articles (.txt, .md, .markdown) and JSON
Lines files (.jsonl, .ndjson: one {"id", "text"} object per line, optional date, url,
title), extensions in any case, exactly as `kg build DIR` does. Articles are sorted into
kg's document order (path components, then line), so the merged graph is byte-identical to
`kg build DIR` on the same files. Each sorted partition is piped through the shipped `kg
extract -` (one JSON Lines article in, one claims line out); the claims are written to
CLAIMS_DIR (part-00000, part-00001, ... in document order) and, with --merge-out, streamed
to `kg merge -` on the driver.

See contrib/spark/README.md for cluster submission and sizing.
"""

import argparse
import json
import os
import subprocess
import sys
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession

ARTICLE_EXTENSIONS = (".txt", ".md", ".markdown")
LINES_EXTENSIONS = (".jsonl", ".ndjson")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="directory of articles and/or JSON Lines files")
    p.add_argument("claims", help="output directory for the claims (must not exist)")
    p.add_argument(
        "--lexicon",
        action="append",
        default=[],
        help="lexicon file shipped with --files (its file name; repeatable)",
    )
    p.add_argument(
        "--rules",
        action="append",
        default=[],
        help="rules file shipped with --files (its file name; repeatable)",
    )
    p.add_argument("--builtin-only", action="store_true")
    p.add_argument(
        "--binary",
        default="kg",
        help="file name of the kg binary shipped with --files [kg]",
    )
    p.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="partitions of the sorted corpus [default: Spark's default parallelism]",
    )
    p.add_argument(
        "--merge-out",
        default=None,
        help="also merge the claims on the driver into this local directory",
    )
    p.add_argument(
        "--merge-binary",
        default=None,
        help="kg binary to run `kg merge` with on the driver [default: the shipped one]",
    )
    return p.parse_args(argv)


def relative_name(path, base):
    """The article's name as `kg build DIR` gives it: its path below DIR with '/'."""
    if not path.startswith(base):
        raise ValueError(f"{path} is not under {base}")
    return path[len(base):].lstrip("/")


def records(item, base):
    """(sort key, JSON Lines article) pairs of one input file."""
    path, content = item
    rel = relative_name(path, base)
    lower = rel.lower()
    components = tuple(rel.split("/"))
    if lower.endswith(LINES_EXTENSIONS):
        for number, line in enumerate(content.split("\n")):
            if line.strip():
                yield (components, number), line.rstrip("\r")
    elif lower.endswith(ARTICLE_EXTENSIONS):
        yield (components, 0), json.dumps({"id": rel, "text": content}, ensure_ascii=False)


def extract_partition(binary, options):
    """Runs `kg extract -` over one partition's articles and yields its claims lines.

    This is what RDD.pipe does, written out so the binary is found with SparkFiles.get on
    the executor (pipe runs its command in the worker's working directory, which holds the
    shipped files on YARN but not in local or standalone mode) and a failing kg fails the
    task with kg's own message.
    """

    def run(lines):
        exe = SparkFiles.get(binary)
        if not os.access(exe, os.X_OK):
            os.chmod(exe, 0o755)
        args = [exe, "extract", "-", "-q"]
        for name in options["lexicon"]:
            args += ["--lexicon", SparkFiles.get(name)]
        for name in options["rules"]:
            args += ["--rules", SparkFiles.get(name)]
        if options["builtin_only"]:
            args.append("--builtin-only")
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        errors = []

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line.encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass
            except BaseException as e:  # surfaced after kg exits
                errors.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        stderr_chunks = []
        reader = threading.Thread(
            target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True
        )
        reader.start()
        for out in proc.stdout:
            yield out.decode("utf-8").rstrip("\n")
        writer.join()
        reader.join()
        code = proc.wait()
        if errors:
            raise errors[0]
        if code != 0:
            raise RuntimeError(
                f"kg extract exited with {code}: "
                + b"".join(stderr_chunks).decode("utf-8", "replace")
            )

    return run


def main(argv):
    args = parse_args(argv)
    spark = SparkSession.builder.appName("kg-extract").getOrCreate()
    sc = spark.sparkContext
    # Search the input directory recursively, like `kg build DIR`.
    hadoop = sc._jsc.hadoopConfiguration()
    hadoop.set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    jpath = sc._jvm.org.apache.hadoop.fs.Path(args.input)
    base = jpath.getFileSystem(hadoop).makeQualified(jpath).toString().rstrip("/") + "/"

    files = sc.wholeTextFiles(args.input)
    articles = files.flatMap(lambda item: records(item, base))
    partitions = args.partitions or sc.defaultParallelism
    # Range-partitioned and sorted: partition i holds documents before those of i + 1, so
    # the part files list the claims in kg's document order.
    ordered = articles.sortByKey(numPartitions=partitions).values()
    options = {
        "lexicon": args.lexicon,
        "rules": args.rules,
        "builtin_only": args.builtin_only,
    }
    claims = ordered.mapPartitions(extract_partition(args.binary, options))
    claims.persist()
    claims.saveAsTextFile(args.claims)

    if args.merge_out:
        binary = args.merge_binary or SparkFiles.get(args.binary)
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        merge = subprocess.Popen(
            [binary, "merge", "-", "-q", "--out", args.merge_out], stdin=subprocess.PIPE
        )
        # toLocalIterator keeps partition order: the claims reach kg merge in document order.
        for line in claims.toLocalIterator():
            merge.stdin.write(line.encode("utf-8") + b"\n")
        merge.stdin.close()
        if merge.wait() != 0:
            spark.stop()
            sys.exit(f"kg merge failed with exit code {merge.returncode}")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
