"""spaCy's EntityRuler with a gazetteer's names over a directory of articles, one process
(used by benches/scale.sh). Prints `bytes entities seconds peak_rss_kb`."""

import json
import os
import resource
import sys
import time

import spacy


def main(articles, gazetteer):
    entities = json.load(open(gazetteer, encoding="utf-8"))["entities"]
    patterns = []
    for e in entities:
        for name in [e["name"], *e.get("aliases", [])]:
            patterns.append({"label": e["type"].upper(), "pattern": name})
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
    ruler.add_patterns(patterns)
    files = sorted(os.listdir(articles))
    start = time.perf_counter()
    total = 0
    found = 0

    def texts():
        nonlocal total
        for name in files:
            with open(os.path.join(articles, name), encoding="utf-8") as f:
                text = f.read()
            total += len(text.encode("utf-8"))
            yield text

    for doc in nlp.pipe(texts(), batch_size=64):
        found += len(doc.ents)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(total, found, f"{seconds:.2f}", rss)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
