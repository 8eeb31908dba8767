"""The brute force a user would pick instead of tolk's index: rapidfuzz's cdist.

Called by `cargo xtask bench match --rapidfuzz` with two files written by the bench:
the memory's sources and the queries, one per line, each word (tolk's lowercased
words, numbers included) mapped to one character, so that rapidfuzz's character
Levenshtein is the Levenshtein distance over words that tolk's fuzzy score uses.
It scores every query against every source with `Levenshtein.normalized_similarity`
on all cores (`workers=-1`), keeps the best source per query at or above the cutoff,
and prints one JSON line: the seconds spent reading and in cdist, and how many
queries found a match.
"""

import json
import sys
import time

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Rows of queries scored at once: the score matrix of a block is rows x sources floats.
BLOCK_CELLS = 200_000_000


def main() -> None:
    choices_path, queries_path, cutoff = sys.argv[1], sys.argv[2], float(sys.argv[3])
    start = time.perf_counter()
    with open(choices_path, encoding="utf-8") as f:
        choices = f.read().split("\n")[:-1]
    with open(queries_path, encoding="utf-8") as f:
        queries = f.read().split("\n")[:-1]
    read = time.perf_counter() - start
    rows = max(1, BLOCK_CELLS // max(1, len(choices)))
    matched = 0
    start = time.perf_counter()
    for at in range(0, len(queries), rows):
        scores = process.cdist(
            queries[at : at + rows],
            choices,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=cutoff,
            dtype=np.float32,
            workers=-1,
        )
        top = scores.argmax(axis=1)
        for row, column in enumerate(top):
            score = float(scores[row, column])
            if score >= cutoff and score > 0:
                matched += 1
    cdist = time.perf_counter() - start
    print(json.dumps({"read": read, "cdist": cdist, "queries": len(queries), "sources": len(choices), "matched": matched}))


if __name__ == "__main__":
    main()
