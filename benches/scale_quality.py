"""Precision and recall of a kg graph against a generated corpus's planted relations
(gold.jsonl of gen_corpus.py), on unique (subject, relation, object) triples. Used by
benches/scale.sh. Prints one JSON object."""

import json
import sys

SYMMETRIC = {"met-with", "cooperates-with"}


def slug(name):
    # kg's model::slug: alphanumeric runs, lowercased, joined by '-'.
    out, dash = [], False
    for ch in name:
        if ch.isalnum():
            if dash and out:
                out.append("-")
            dash = False
            out.append(ch.lower())
        else:
            dash = True
    return "".join(out)


def key(s, r, o):
    if r in SYMMETRIC and s > o:
        s, o = o, s
    return (s, r, o)


def main(graph_path, gold_path):
    gold = set()
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            gold.add(key(slug(g["subject"]), g["relation"], slug(g["object"])))
    graph = json.load(open(graph_path, encoding="utf-8"))
    found = {key(e["source"], e["relation"], e["target"]) for e in graph["edges"]}
    relations = sorted({k[1] for k in gold})
    planted = {k for k in found if k[1] in relations}
    hit = planted & gold
    by = {}
    for r in relations:
        g = {k for k in gold if k[1] == r}
        p = {k for k in planted if k[1] == r}
        by[r] = {
            "gold": len(g),
            "found": len(p),
            "precision": round(len(p & g) / len(p), 4) if p else None,
            "recall": round(len(p & g) / len(g), 4) if g else None,
        }
    print(
        json.dumps(
            {
                "gold": len(gold),
                "edges": len(found),
                "edges_of_planted_relations": len(planted),
                "precision": round(len(hit) / len(planted), 4) if planted else 0,
                "recall": round(len(hit) / len(gold), 4) if gold else 0,
                "by_relation": by,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
