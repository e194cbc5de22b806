"""NetworkX baseline for benches/query.rs: the same file, the same pairs, the same measures.

Usage: python networkx_baseline.py GRAPH.json PAIRS
Prints one JSON object: load seconds, path latency p50/p99 (undirected, bidirectional BFS),
2-hop neighbourhood mean latency, PageRank seconds. The random pairs come from the same
seeded generator as the Rust side (an LCG over the node ids in sorted order).
"""

import json
import sys
import time

import networkx as nx

MASK = (1 << 64) - 1


def lcg(seed):
    x = seed
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        yield x >> 33


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    g = nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")
    load = time.perf_counter() - t0
    del data

    ids = sorted(g.nodes)
    rng = lcg(42)
    pairs = [(ids[next(rng) % len(ids)], ids[next(rng) % len(ids)]) for _ in range(count)]
    und = g.to_undirected(as_view=True)

    lat = []
    found = 0
    hops = 0
    for s, t in pairs:
        t1 = time.perf_counter()
        try:
            p = nx.bidirectional_shortest_path(und, s, t)
            found += 1
            hops += len(p) - 1
        except nx.NetworkXNoPath:
            pass
        lat.append(time.perf_counter() - t1)
    lat.sort()

    hop = []
    reached = 0
    for s, _ in pairs:
        t1 = time.perf_counter()
        reached += len(nx.single_source_shortest_path_length(und, s, cutoff=2)) - 1
        hop.append(time.perf_counter() - t1)

    t1 = time.perf_counter()
    pr = nx.pagerank(g)
    pagerank = time.perf_counter() - t1

    json.dump(
        {
            "networkx": nx.__version__,
            "load_s": load,
            "path_p50_s": percentile(lat, 0.50),
            "path_p99_s": percentile(lat, 0.99),
            "paths_found": found,
            "path_hops_total": hops,
            "two_hop_mean_s": sum(hop) / len(hop),
            "two_hop_reached": reached,
            "pagerank_s": pagerank,
            "pagerank_top": max(pr, key=pr.get),
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
