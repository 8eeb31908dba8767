#!/usr/bin/env python3
"""Makes the import fixtures in this folder from a real `tolk export` of the bundled corpus.

Run once, from the repository root, with a batch exported against an empty memory:

    mkdir -p /tmp/empty-memory
    tolk export --memory /tmp/empty-memory --out /tmp/batch.csv
    python3 tests/data/import/make-fixtures.py /tmp/batch.csv

Targets are the bundled memory's translations (memory/nb-en.csv). Ids derive from the
sentence text, so the files stay valid for as long as these sentences are in the corpus.
Each file is one translator's quirk; README.md says which, and what tolk must do with it.
"""

import csv
import io
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]

# The sentences the fixtures use, by id (as `tolk export` wrote them).
KORT = "s231928c132cfcbcc"  # Kort, hva er din kundeservicekarriere?  (a comma: quoted)
PERSONER = "s932fc685ca83db40"  # Vi er nå 110 personer fordelt på 6 team, forteller Irene.
TRINE = "s7603e50071c97f3f"  # Trine Vestre Øen er direktør ...  (occurs twice)
KOKT = "s241a5a2e1774c7a2"  # En god dag er ... «kokt litt» ...  (guillemets; ’ “ ” in the target)
OKS = "s3acfcf1645ad4e55"  # Det er OKS (opplevd kundetilfredshet, red. kommentar).
RESETTE = "sfd8c9aa3ef5b27e4"  # Jeg prøver alltid å starte dagen med å «resette».
PODCAST = "s90509d9dd7498776"  # Podcast |<no-break space>I samarbeid med CustomerTrends AS

# What `tolk export` gives "Denne setningen finnes ikke i korpuset." in another project.
FOREIGN_ID = "sfecc26ecb9ed96f4"


def main(batch_path):
    with open(batch_path, encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    header, body = records[0], records[1:]
    assert header == ["id", "where", "words", "score", "source", "suggestion",
                      "suggestion_source", "target", "context"], header
    rows = {r[0]: dict(zip(header, r)) for r in body}
    with open(ROOT / "memory" / "nb-en.csv", encoding="utf-8", newline="") as f:
        memory = {e["source"]: e["target"] for e in csv.DictReader(f)}

    def row(sid, **cells):
        """The export's row of `sid`, translated from the memory, then `cells` changed."""
        r = dict(rows[sid])
        r["target"] = memory[r["source"]]
        r.update(cells)
        return r

    def table(rs, columns=header):
        return [list(columns)] + [[r.get(c, "") for c in columns] for r in rs]

    def render(records, delimiter=",", eol="\r\n"):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=eol).writerows(records)
        return out.getvalue()

    def save(name, text, encoding="utf-8", bom=b""):
        (HERE / name).write_bytes(bom + text.encode(encoding))

    utf8_bom = b"\xef\xbb\xbf"
    four = [row(KORT), row(PERSONER), row(TRINE), row(KOKT)]

    # Encodings, delimiters and line ends.
    save("bom-utf8.csv", render(table(four)), bom=utf8_bom)
    save("no-bom-utf8.csv", render(table(four), eol="\n"))
    save("crlf.csv", render(table(four, ["id", "source", "target"])))
    save("windows-1252-semicolon.csv",
         render(table(four + [row(PODCAST)]), delimiter=";"), encoding="cp1252")
    save("semicolon.csv", render(table(four), delimiter=";"), bom=utf8_bom)
    save("tab.tsv", render(table(four), delimiter="\t"), bom=utf8_bom)
    save("utf16-bom.csv", render(table(four), delimiter="\t"), encoding="utf-16-le", bom=b"\xff\xfe")

    # Layout of the cells.
    personer = memory[rows[PERSONER]["source"]]
    kokt = memory[rows[KOKT]["source"]]
    save("quoted-newlines.csv", render(table([
        row(KORT),
        row(PERSONER, target=personer.replace(" spread", "\nspread")),
        row(TRINE),
        row(KOKT, target=kokt.replace(" and we", "\r\nand we")),
    ])), bom=utf8_bom)
    extra = ["Target", "Notes", "SOURCE", "Words", "Id", "Where", "Reviewer"]
    save("reordered-extra-columns.csv", render(table([
        dict(r, Target=r["target"], SOURCE=r["source"], Words=r["words"], Id=r["id"], Where=r["where"],
             Notes="check the term" if r["id"] == KORT else "", Reviewer="Kari")
        for r in four
    ], extra)), bom=utf8_bom)
    save("formula-cell.csv", render(table([
        row(KORT),
        # As LibreOffice saves it: tolk's apostrophe kept.
        row(OKS, target="'- " + memory[rows[OKS]["source"]]),
        # As Excel saves it: the apostrophe dropped.
        row(RESETTE, target="- " + memory[rows[RESETTE]["source"]]),
    ])), bom=utf8_bom)
    save("empty-targets.csv", render(table([row(KORT), row(PERSONER, target=""),
                                            row(TRINE, target="   "), row(KOKT)])), bom=utf8_bom)
    save("translator-column.csv", render(table([
        dict(row(KORT), translator="Kari Nordmann"), row(PERSONER),
    ], header + ["translator"])), bom=utf8_bom)
    save("quality-warnings.csv", render(table([
        row(KORT),
        row(PERSONER, target=personer.replace("110", "100")),
        row(TRINE, target=rows[TRINE]["source"]),
    ])), bom=utf8_bom)

    # Rows tolk must refuse.
    save("edited-source.csv", render(table([
        row(KORT),
        row(PERSONER, target=personer.replace(" spread", "\nspread")),
        row(TRINE, source=rows[TRINE]["source"].replace(" i Lyse", " hos Lyse")),
        row(KOKT),
    ])), bom=utf8_bom)
    save("duplicate-id-different-targets.csv", render(table([
        row(KORT), row(PERSONER), row(KORT, target="In short, what is your customer service career?"), row(TRINE),
    ])), bom=utf8_bom)
    save("duplicate-id-same-target.csv", render(table([row(KORT), row(PERSONER), row(KORT), row(TRINE)])),
         bom=utf8_bom)
    save("unknown-id.csv", render(table([
        row(KORT), row(PERSONER),
        {"id": FOREIGN_ID, "where": "annet.txt:1", "words": "6",
         "source": "Denne setningen finnes ikke i korpuset.", "target": "This sentence is not in the corpus."},
    ])), bom=utf8_bom)
    save("malformed-id.csv", render(table([
        row(KORT), row(PERSONER, id=PERSONER[:-1]), row(TRINE, id=""), row(KOKT),
    ])), bom=utf8_bom)
    good = render(table([row(KORT)]))
    bad = row(PERSONER)
    save("wrong-cell-count.csv",
         good + ",".join([bad["id"], bad["where"], bad["words"], "", '"' + bad["source"] + '"', "", "",
                          bad["target"], '"' + bad["context"] + '"']) + "\r\n"
         + render(table([row(TRINE)]))[len(",".join(header)) + 2:], bom=utf8_bom)
    save("unbalanced-quote.csv",
         good + ",".join([bad["id"], bad["where"], bad["words"], "", '"' + bad["source"] + '"', "", "",
                          '"' + bad["target"], '"' + bad["context"] + '"']) + "\r\n"
         + render(table([row(TRINE)]))[len(",".join(header)) + 2:], bom=utf8_bom)
    save("missing-target-column.csv",
         render(table(four)).replace(",target,", ",oversettelse,", 1), bom=utf8_bom)
    # Saved by two programs: UTF-8 throughout, but one target typed in Windows-1252.
    damaged = render(table(four)).encode("utf-8").replace("it’s".encode("utf-8"), "it’s".encode("cp1252"), 1)
    (HERE / "damaged-utf8.csv").write_bytes(damaged)

    # Against the bundled memory: a different translation of a sentence it has.
    save("conflict.csv", render(table([
        row(KORT, target="In short, what has your customer service career been?"), row(TRINE),
    ])), bom=utf8_bom)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make-fixtures.py BATCH.csv (a `tolk export` of the bundled corpus, empty memory)")
    main(sys.argv[1])
