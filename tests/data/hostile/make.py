#!/usr/bin/env python3
"""Writes the hostile files too big to commit into a folder, to try them by hand.

tests/it/hostile.rs generates the same files itself at test time; this script is only
for reproducing a case outside the tests:

    python3 tests/data/hostile/make.py /tmp/big
    cd /tmp/big && tolk import big-cell.csv

Run the commands from the folder it writes (it holds a corpus/ and a memory/ like a
project); the README lists the command and the expected answer for each file.
"""

import os
import shutil
import sys

MIB = 1 << 20
KORT = "Kort, hva er din kundeservicekarriere?"
KORT_ID = "s231928c132cfcbcc"


def write(path, head, fill, n, tail):
    """head, then fill repeated n times, then tail, written in pieces."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as out:
        out.write(head)
        chunk = fill * max(1, (1 << 16) // len(fill))
        per_chunk = len(chunk) // len(fill)
        left = n
        while left > 0:
            k = min(left, per_chunk)
            out.write(chunk[: k * len(fill)])
            left -= k
        out.write(tail)


def main(root):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    shutil.copytree(os.path.join(repo, "corpus"), os.path.join(root, "corpus"), dirs_exist_ok=True)
    os.makedirs(os.path.join(root, "memory"), exist_ok=True)
    with open(os.path.join(root, "memory", "nb-en.csv"), "w") as f:
        f.write("source,target,created,changed,translator,origin,note\n")
    p = lambda name: os.path.join(root, name)
    # A 50 MiB cell: as a memory file (tolk tm import big-cell-memory.csv, or move it into
    # memory/ and run tolk lookup) and as a batch (tolk import big-cell.csv).
    write(p("big-cell-memory.csv"), b'source,target\nHei.,"', b"x", 50 * MIB, b'"\n')
    write(p("big-cell.csv"), ("\ufeffid,source,target\r\n%s,\"%s\"," % (KORT_ID, KORT)).encode(), b"x", 50 * MIB, b"\r\n")
    # A 100 MiB line: a document (tolk segment big-line.txt), TSV (tolk tm import
    # big-line.tsv) and queries (tolk match --input big-line.txt).
    write(p("big-line.txt"), b"Hei.\n", b"a", 100 * MIB, b"\n")
    write(p("big-line.tsv"), b"", b"a", 100 * MIB, b"\tb\n")
    # A 50 MiB seg (tolk tm import big-seg.tmx) and a 50 MiB XLIFF target (tolk import big-target.xlf).
    write(
        p("big-seg.tmx"),
        b'<?xml version="1.0"?>\n<tmx version="1.4"><header/><body><tu><tuv xml:lang="nb"><seg>',
        b"x",
        50 * MIB,
        b"</seg></tuv></tu></body></tmx>\n",
    )
    write(
        p("big-target.xlf"),
        (
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
            'source-language="nb" datatype="plaintext"><body><trans-unit id="%s"><source>%s</source><target>'
            % (KORT_ID, KORT)
        ).encode(),
        b"x",
        50 * MIB,
        b"</target></trans-unit></body></file></xliff>\n",
    )
    # 10,000 columns: a batch (tolk import --dry-run wide.csv) and a memory file (move it
    # into memory/ and run tolk lookup Hei.).
    header = ["id", "source", "target"] + ["c%d" % i for i in range(4, 10001)]
    row = [KORT_ID, '"%s"' % KORT, '"Briefly, what is your career?"'] + [""] * (10000 - 3)
    with open(p("wide.csv"), "w") as f:
        f.write(",".join(header) + "\n" + ",".join(row) + "\n")
    header = ["source", "target"] + ["c%d" % i for i in range(3, 10001)]
    with open(p("wide-memory.csv"), "w") as f:
        f.write(",".join(header) + "\n" + ",".join(["Hei.", "Hi."] + ["x"] * (10000 - 2)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make.py FOLDER")
    main(sys.argv[1])
