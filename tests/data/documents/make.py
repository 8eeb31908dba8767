#!/usr/bin/env python3
"""Make the formatted test documents of tests/data/documents/ from the two interviews.

    python3 tests/data/documents/make.py            # write the four documents
    python3 tests/data/documents/make.py --check    # check them with LibreOffice, pandoc, Chromium

Sources: corpus/lyse-dialog-trine-vestre-oen.txt and corpus/fjordkraft-irene-fauskanger.txt
(one paragraph per line). Every sentence placed in a document is taken from those files by
text, never retyped: the builders below ask for a sentence with `S(...)` and `line(...)`,
which fail if the text is not in the interview.

Outputs (next to this script):
  lyse-dialog-trine-vestre-oen.docx  WordprocessingML written by hand to look like Word's
                                     output (rsids, split runs, proofErr, bookmarks, ...)
  lyse-dialog-trine-vestre-oen.odt   the .docx converted by LibreOffice (soffice --convert-to odt)
  fjordkraft-irene-fauskanger.md     Markdown article with YAML front matter
  fjordkraft-irene-fauskanger.html   HTML5 page of the same article

Only the standard library is used; --check and the .odt need soffice, and --check also
needs chromium and pandoc (apt-get install -y chromium pandoc).
"""

import base64
import html
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
LYSE_TXT = ROOT / "corpus" / "lyse-dialog-trine-vestre-oen.txt"
FJORD_TXT = ROOT / "corpus" / "fjordkraft-irene-fauskanger.txt"
LYSE = "lyse-dialog-trine-vestre-oen"
FJORD = "fjordkraft-irene-fauskanger"

NBSP = "\u00a0"

# --------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------

# A leading dialogue dash (with any spaces or no-break spaces around it) is not part of
# the sentence; tolk keeps it in the skeleton.
DASH_RE = re.compile(r"^[\s\u00a0]*[\u2013-][\s\u00a0]+")
# Sentence ends in these two interviews: . ? ! (with a closing » or ) after) followed by
# white space and a capital, a digit, a dash or an opening quote. The only abbreviation
# in the texts, "red.", is followed by a lower-case word, so it needs no special case.
# tolk's own segmenter gives the same sentences for these texts (see --check).
SPLIT_RE = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»\")’”]))[\s\u00a0]+(?=[A-ZÆØÅ0-9«\"(\u2013])")


def sentences_of_line(line):
    line = DASH_RE.sub("", line)
    out = []
    for part in SPLIT_RE.split(line):
        part = part.strip(" \t\u00a0")
        if part:
            out.append(part)
    return out


def read_lines(path):
    return path.read_text(encoding="utf-8").split("\n")


def sentences_of_text(text):
    out = []
    for line in text.split("\n"):
        out.extend(sentences_of_line(line))
    return out


class Interview:
    """The lines and sentences of one .txt interview; S() and line() hand out exact text."""

    def __init__(self, path):
        self.path = path
        self.lines = read_lines(path)
        self.sentences = sentences_of_text("\n".join(self.lines))
        self.sentence_set = set(self.sentences)

    def S(self, text):
        if text not in self.sentence_set:
            raise SystemExit(f"not a sentence of {self.path.name}: {text!r}")
        return text

    def line(self, start):
        """The whole line (paragraph) of the interview that starts with `start`
        (after a dialogue dash), exactly as it is in the file."""
        hits = [l for l in self.lines if DASH_RE.sub("", l).startswith(start)]
        if len(set(hits)) != 1:
            raise SystemExit(f"{self.path.name}: {len(hits)} lines start with {start!r}")
        return hits[0]

    def phrase(self, text):
        if text not in "\n".join(self.lines):
            raise SystemExit(f"not a phrase of {self.path.name}: {text!r}")
        return text


# --------------------------------------------------------------------------------------
# A tiny PNG (a fjord: sky, mountains, water), written with zlib
# --------------------------------------------------------------------------------------

def tiny_png(w=48, h=30):
    palette = [(0xB9, 0xDC, 0xF2), (0x2E, 0x5E, 0x3A), (0x1F, 0x4E, 0x79), (0xF5, 0xF5, 0xF0)]
    rows = []
    for y in range(h):
        row = bytearray([0])  # filter: none
        for x in range(w):
            ridge = 9 + abs((x % 24) - 12) // 2 + (3 if x > 24 else 0)
            if y >= 20:
                c = 2
            elif y >= ridge:
                c = 1
            elif y < 8 and 34 <= x <= 40 and 2 <= y:
                c = 3  # a cloud
            else:
                c = 0
            row.append(c)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
    png += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    return png, w, h


# --------------------------------------------------------------------------------------
# DOCX: WordprocessingML in the shape Microsoft Word writes it
# --------------------------------------------------------------------------------------

W_NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 w15 wp14"'
)
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

# Revision-save ids of the (imagined) editing sessions, as Word lists them in settings.xml.
RSIDS = ["00A77B3E", "00B2418C", "00C41D2A", "0034F1E7", "005F2E91", "0091A6F0",
         "00D64D9F", "00E4D3C7", "003D5B12", "00F06A8B"]
RSID_ROOT = "00A77B3E"

# Words Word's speller does not know; they get w:proofErr spellStart/spellEnd around them.
SPELL_ERRS = ["KPIén", "KPIéne", "måleparameteret", "CustomerTrends", "summingen", "boost"]


def t_elem(text):
    # Word marks a w:t whose text begins or ends with a space (or holds two in a row).
    keep = text[:1] in (" ", NBSP) or text[-1:] in (" ", NBSP) or "  " in text
    sp = ' xml:space="preserve"' if keep else ""
    return f"<w:t{sp}>{xml_escape(text)}</w:t>"


class WordWriter:
    """Turns spans of formatted text into Word-like runs."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.para_ids = 0x1A2B3C00

    def rsid(self):
        return self.rng.choice(RSIDS[1:])

    def rpr(self, props, lang=True):
        order = ["rStyle", "b", "bCs", "i", "iCs", "noProof", "color", "sz", "szCs"]
        parts = []
        for key in order:
            if key in props:
                val = props[key]
                parts.append(f'<w:{key}/>' if val is True else f'<w:{key} w:val="{val}"/>')
        if lang:
            parts.append('<w:lang w:val="nb-NO"/>')
        return "<w:rPr>" + "".join(parts) + "</w:rPr>" if parts else ""

    def runs_of(self, text, props, split=True, extra_first=""):
        """Runs for `text` with identical properties, split where Word would have split
        them: at arbitrary edit points (sometimes inside a word) and around words the
        speller flags (w:proofErr). `extra_first` goes into the first run before w:t
        (e.g. w:lastRenderedPageBreak)."""
        pieces = []  # (kind, text) kind: "t" text, "s" spell error word
        pattern = "|".join(re.escape(w) for w in SPELL_ERRS)
        pos = 0
        for m in re.finditer(rf"(?<!\w)({pattern})(?!\w)", text):
            if m.start() > pos:
                pieces.append(("t", text[pos:m.start()]))
            pieces.append(("s", m.group(0)))
            pos = m.end()
        if pos < len(text):
            pieces.append(("t", text[pos:]))

        out = []
        rpr = self.rpr(props)
        first = True
        for kind, piece in pieces:
            chunks = [piece]
            if kind == "t" and split and len(piece) > 12:
                n = self.rng.choice([1, 2, 2, 3]) + len(piece) // 120
                cuts = sorted(self.rng.sample(range(3, len(piece) - 2), min(n - 1, len(piece) - 6)))
                chunks, last = [], 0
                for c in cuts:
                    if c > last:
                        chunks.append(piece[last:c])
                        last = c
                chunks.append(piece[last:])
            if kind == "s":
                out.append('<w:proofErr w:type="spellStart"/>')
            for chunk in chunks:
                attrs = f' w:rsidR="{self.rsid()}" w:rsidRPr="{self.rsid()}"' if self.rng.random() < 0.6 \
                    else f' w:rsidRPr="{self.rsid()}"'
                inner = extra_first if first else ""
                first = False
                out.append(f"<w:r{attrs}>{rpr}{inner}{t_elem(chunk)}</w:r>")
            if kind == "s":
                out.append('<w:proofErr w:type="spellEnd"/>')
        return "".join(out)

    def para(self, body, style=None, ppr_extra="", mark_props=None):
        self.para_ids += 0x1111
        rsid_r = self.rng.choice(RSIDS[:4])
        attrs = (f'w14:paraId="{self.para_ids:08X}" w14:textId="77777777" '
                 f'w:rsidR="{rsid_r}" w:rsidRPr="{self.rsid()}" w:rsidRDefault="{RSID_ROOT}" '
                 f'w:rsidP="{self.rsid()}"')
        ppr = ""
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        ppr += ppr_extra
        ppr += self.rpr(mark_props or {})
        return f"<w:p {attrs}><w:pPr>{ppr}</w:pPr>{body}</w:p>"


def build_docx(iv):
    ww = WordWriter(seed=12)
    png, pw, ph = tiny_png()
    cx, cy = 1728000, 1080000  # 4.8 cm x 3.0 cm in EMU
    B = {"b": True, "bCs": True}
    I = {"i": True, "iCs": True}

    caption = iv.S("Trine Vestre Øen er direktør for kundeservice i Lyse Dialog.")
    # The .txt starts with this sentence twice (a photo's alt text and its caption, as a
    # web page gives them): the first is the image's description (wp:docPr descr), the
    # second the Caption paragraph under it.
    assert iv.lines[0] == caption and iv.lines[1] == caption
    title = iv.line("Kundeservice og kjærlighet")
    assert title == iv.S("Kundeservice og kjærlighet")

    paras = []

    # 1. The photo, with its description, in a centred paragraph.
    drawing = (
        '<w:r w:rsidRPr="00C41D2A"><w:rPr><w:noProof/><w:lang w:val="nb-NO"/></w:rPr><w:drawing>'
        '<wp:inline distT="0" distB="0" distL="0" distR="0" wp14:anchorId="5C1D2E3F" wp14:editId="0A1B2C3D">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name="Bilde 1" descr="{xml_escape(caption)}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="1" name="trine-vestre-oen.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rId4"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )
    paras.append(ww.para(drawing, ppr_extra='<w:keepNext/><w:jc w:val="center"/>'))
    # 2. Its caption.
    paras.append(ww.para(ww.runs_of(caption, {}), style="Caption", ppr_extra='<w:jc w:val="center"/>'))
    # 3. The title, Heading 1, inside a bookmark (as Word leaves one for a table of contents).
    paras.append(ww.para(
        '<w:bookmarkStart w:id="0" w:name="_Toc152402231"/>' + ww.runs_of(title, {}) +
        '<w:bookmarkEnd w:id="0"/>', style="Heading1"))
    # 4. The intro, bold, with a hyperlink on "Lyse Dialog".
    intro = iv.line("God kundeservice handler om begeistring")
    before, after = intro.split("Lyse Dialog", 1)
    link = ('<w:hyperlink r:id="rId5" w:history="1">' +
            ww.runs_of("Lyse Dialog", dict(B, rStyle="Hyperlink"), split=False) + "</w:hyperlink>")
    paras.append(ww.para(ww.runs_of(before, B) + link + ww.runs_of(after, B), mark_props=B))

    # Questions (bold) and answers. The last answer has an italic quotation, the
    # w:lastRenderedPageBreak where page 2 began, and the _GoBack bookmark.
    qa = [
        ("Hva er en god dag på jobben for deg?", "Jeg synes måten dagen starter på"),
        ("Hva er den viktigste KPIén for deg?", "Det er OKS"),
        ("Hva gjør du for at flest mulig dager skal bli gode?", "Jeg prøver alltid"),
        ("Hva har kjærlighet med kundeservice å gjøre?", "Det betyr alt."),
    ]
    pull_quote = iv.line("Kjærlighet i kundeservice blir bare viktigere")
    for i, (q, a) in enumerate(qa):
        if i == 3:
            # The pull quote between the third and fourth answer, text unchanged
            # (including its trailing no-break space and space).
            paras.append(ww.para(ww.runs_of(pull_quote, {}), style="Quote"))
        paras.append(ww.para(ww.runs_of(iv.line(q), B), ppr_extra='<w:keepNext/>', mark_props=B))
        answer = iv.line(a)
        if i == 3:
            quote = "«gå utenfor boksen»"
            pre, post = answer.split(quote, 1)
            back, post2 = post.split(" Vi skal ikke", 1)
            post2, page2 = post2.split("I noen situasjoner", 1)
            # _GoBack: where the writer last edited; page 2 began at "I noen situasjoner".
            body = (ww.runs_of(pre, {}) + ww.runs_of(quote, I) + ww.runs_of(back, {}) +
                    '<w:bookmarkStart w:id="1" w:name="_GoBack"/><w:bookmarkEnd w:id="1"/>' +
                    ww.runs_of(" Vi skal ikke" + post2, {}) +
                    ww.runs_of("I noen situasjoner" + page2, {}, extra_first="<w:lastRenderedPageBreak/>"))
        else:
            body = ww.runs_of(answer, {})
        paras.append(ww.para(body))
    # The two blank lines before the credit: one empty paragraph, as writers leave them.
    paras.append(ww.para(""))
    credit = iv.line("Podcast |")
    paras.append(ww.para(ww.runs_of(credit, {"sz": "18", "szCs": "18"}),
                         mark_props={"sz": "18", "szCs": "18"}))

    sect = ('<w:sectPr w:rsidR="00A77B3E" w:rsidRPr="00C41D2A">'
            '<w:footerReference w:type="default" r:id="rId6"/>'
            '<w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>'
            '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>')
    document = (XML_DECL + f"<w:document {W_NS}><w:body>" + "".join(paras) + sect +
                "</w:body></w:document>")

    fw = WordWriter(seed=13)
    footer_p = fw.para(
        fw.runs_of(title, {}, split=False) +
        '<w:r><w:tab/></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:rPr><w:noProof/></w:rPr><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>', style="Footer")
    footer = XML_DECL + f"<w:ftr {W_NS}>" + footer_p + "</w:ftr>"

    styles = XML_DECL + (
        '<w:styles xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" mc:Ignorable="w14 w15">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:eastAsia="Calibri" w:hAnsi="Calibri" w:cs="Times New Roman"/>'
        '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="nb-NO" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376">'
        '<w:lsdException w:name="Normal" w:uiPriority="0" w:qFormat="1"/>'
        '<w:lsdException w:name="heading 1" w:uiPriority="9" w:qFormat="1"/>'
        '<w:lsdException w:name="caption" w:semiHidden="1" w:uiPriority="35" w:unhideWhenUsed="1" w:qFormat="1"/>'
        '<w:lsdException w:name="Quote" w:uiPriority="29" w:qFormat="1"/></w:latentStyles>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>'
        '<w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:link w:val="Heading1Char"/><w:uiPriority w:val="9"/><w:qFormat/><w:rsid w:val="00B2418C"/>'
        '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="0"/><w:outlineLvl w:val="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:ascii="Calibri Light" w:eastAsia="Times New Roman" w:hAnsi="Calibri Light" w:cs="Times New Roman"/>'
        '<w:color w:val="2F5496"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="Heading1Char"><w:name w:val="Overskrift 1 Tegn"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Heading1"/><w:uiPriority w:val="9"/><w:rsid w:val="00B2418C"/>'
        '<w:rPr><w:rFonts w:ascii="Calibri Light" w:eastAsia="Times New Roman" w:hAnsi="Calibri Light" w:cs="Times New Roman"/>'
        '<w:color w:val="2F5496"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:uiPriority w:val="35"/><w:unhideWhenUsed/><w:qFormat/><w:rsid w:val="00C41D2A"/>'
        '<w:pPr><w:spacing w:after="200" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:i/><w:iCs/><w:color w:val="44546A"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:link w:val="QuoteChar"/><w:uiPriority w:val="29"/><w:qFormat/><w:rsid w:val="005F2E91"/>'
        '<w:pPr><w:spacing w:before="200"/><w:ind w:left="864" w:right="864"/><w:jc w:val="center"/></w:pPr>'
        '<w:rPr><w:i/><w:iCs/><w:color w:val="404040"/></w:rPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="QuoteChar"><w:name w:val="Sitat Tegn"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Quote"/><w:uiPriority w:val="29"/><w:rsid w:val="005F2E91"/>'
        '<w:rPr><w:i/><w:iCs/><w:color w:val="404040"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
        '<w:link w:val="FooterChar"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rsid w:val="0091A6F0"/>'
        '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs>'
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="FooterChar"><w:name w:val="Bunntekst Tegn"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Footer"/><w:uiPriority w:val="99"/><w:rsid w:val="0091A6F0"/></w:style>'
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rsid w:val="00D64D9F"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
        '</w:styles>')

    settings = XML_DECL + (
        '<w:settings xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w10="urn:schemas-microsoft-com:office:word" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
        'xmlns:sl="http://schemas.openxmlformats.org/schemaLibrary/2006/main" mc:Ignorable="w14 w15">'
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="708"/><w:hyphenationZone w:val="425"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        '<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
        '<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
        '<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>'
        '<w:compatSetting w:name="differentiateMultirowTableHeaders" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/></w:compat>'
        '<w:rsids><w:rsidRoot w:val="' + RSID_ROOT + '"/>' +
        "".join(f'<w:rsid w:val="{r}"/>' for r in sorted(RSIDS)) + '</w:rsids>'
        '<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/>'
        '<m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/><m:rMargin m:val="0"/><m:defJc m:val="centerGroup"/>'
        '<m:wrapIndent m:val="1440"/><m:intLim m:val="subSup"/><m:naryLim m:val="undOvr"/></m:mathPr>'
        '<w:themeFontLang w:val="nb-NO"/>'
        '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
        'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
        'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
        '<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="1026"/><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout></w:shapeDefaults>'
        '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
        '<w14:docId w14:val="3F2A1B9C"/><w15:docId w15:val="{6B1F3C2E-8D4A-4E0B-9C7F-2A5D1E3B4C6F}"/></w:settings>')

    web_settings = XML_DECL + (
        '<w:webSettings xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" mc:Ignorable="w14 w15">'
        '<w:optimizeForBrowser/><w:allowPNG/></w:webSettings>')

    font_table = XML_DECL + (
        '<w:fonts xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" mc:Ignorable="w14 w15">'
        '<w:font w:name="Calibri"><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/>'
        '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
        '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
        '<w:font w:name="Calibri Light"><w:panose1 w:val="020F0302020204030204"/><w:charset w:val="00"/>'
        '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>')

    content_types = XML_DECL + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/webSettings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '</Types>')

    rels = XML_DECL + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')

    doc_rels = XML_DECL + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/webSettings" Target="webSettings.xml"/>'
        '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
        '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.lyse.no/" TargetMode="External"/>'
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>'
        '</Relationships>')

    core = XML_DECL + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{xml_escape(title)}</dc:title><dc:creator>tolk tests/data/documents/make.py</dc:creator>'
        '<cp:lastModifiedBy>tolk tests/data/documents/make.py</cp:lastModifiedBy><cp:revision>7</cp:revision>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-22T09:14:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-22T11:02:00Z</dcterms:modified>'
        '<dc:language>nb-NO</dc:language></cp:coreProperties>')

    words = sum(len(l.split()) for l in iv.lines)
    app = XML_DECL + (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<Template>Normal.dotm</Template><TotalTime>48</TotalTime><Pages>2</Pages><Words>{words}</Words>'
        '<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity><Lines>24</Lines>'
        '<Paragraphs>6</Paragraphs><ScaleCrop>false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate>'
        '<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>')

    # Word's order of parts in the zip, with the 1980-01-01 time stamps Word writes.
    parts = [
        ("[Content_Types].xml", content_types), ("_rels/.rels", rels),
        ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
        ("word/footer1.xml", footer), ("word/media/image1.png", png),
        ("word/settings.xml", settings), ("word/styles.xml", styles),
        ("word/webSettings.xml", web_settings), ("word/fontTable.xml", font_table),
        ("docProps/core.xml", core), ("docProps/app.xml", app),
    ]
    out = HERE / f"{LYSE}.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return out


def build_odt(docx):
    with tempfile.TemporaryDirectory() as tmp:
        run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "odt", "--outdir", tmp, str(docx)])
        shutil.copyfile(Path(tmp) / f"{LYSE}.odt", HERE / f"{LYSE}.odt")
    return HERE / f"{LYSE}.odt"


# --------------------------------------------------------------------------------------
# Markdown and HTML: the Fjordkraft interview
# --------------------------------------------------------------------------------------

def fjord_parts(iv):
    """The pieces both the Markdown and the HTML article are made of."""
    L = iv.line
    p = {}
    # The .txt has no title or intro line: it starts with the first question. The
    # heading repeats the second question, and the bold standfirst repeats the credit
    # line that closes the interview (which stays at the end too).
    p["title"] = iv.S("Hvordan definerer du vinnerkultur?")
    p["description"] = iv.S("Mitt mantra er at kundene er helt vanlige mennesker.")
    p["credit"] = L("Podcast i samarbeid med CustomerTrends")
    p["q1"], p["a1"] = L("Kort, hva er din kundeservicekarriere?"), L("I 2008 ble jeg")
    p["q2"], p["a2a"], p["a2b"] = (L("Hvordan definerer du vinnerkultur?"), L("Man må ha tydelige mål."),
                                    L("Så må vi sette krav"))
    p["q3"], p["a3"] = L("Hva er dine løfter?"), L("Jeg kan ikke avsløre")
    p["q4"], p["a4"] = L("Hvordan utvikler man en vinnerkultur?"), L("Det handler om tydelige mål")
    p["lines"] = [p["q1"], p["a1"], p["q2"], p["a2a"], p["a2b"], p["q3"], p["a3"], p["q4"], p["a4"],
                  p["credit"]]
    assert p["lines"] == [l for l in iv.lines if l.strip()], "every line used, in order"
    # The last answer is split: the three sentences before its last one become a nested list.
    items = [iv.S("Vi må alltid behandle hver eneste kunde individuelt selv om det er krevende."),
             iv.S("For å skape en vinnerkultur fokuserer vi på det som er bra, det gode."),
             iv.S("Løft det gode arbeidet, og de gode prestasjonene frem i lyset.")]
    end = iv.S("Det skaper en vinnerkultur, oppsummerer Irene Fauskanger engasjert.")
    head = p["a4"][: p["a4"].index(items[0])].rstrip(" ")  # with its dialogue dash
    assert head + " " + " ".join(items) + " " + end == p["a4"]
    p["a4_head"], p["a4_items"], p["a4_end"] = head, items, end
    # A fact box: names and years as headers and cells, two sentences of the first answer.
    p["table"] = [
        [iv.phrase("Chess"), iv.phrase("Fjordkraft")],
        [iv.phrase("2008"), iv.phrase("2017")],
        [iv.S("I 2008 ble jeg kundeserviceleder i Chess, og ble der i ni år."),
         iv.S("Deretter fikk jeg ansvaret for kundeservice for mobil og strøm i Fjordkraft i 2017.")],
    ]
    p["figcaption"] = iv.S("Vi er nå 110 personer fordelt på 6 team, forteller Irene.")
    p["alt"] = iv.S("Det er viktig at alle vet hva som kreves for at vi skal nå målene sammen, forklarer Irene.")
    p["code"] = "FJK-2017"  # an article code: not text, on a line of its own
    return p


def wrap(text, width):
    """Hard-wrap `text` at spaces (never before a character that would start a Markdown
    block), into lines of at most about `width` characters."""
    words, lines, cur = text.split(" "), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width and not re.match(r"[-+*#>|\d]", w):
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return lines


def sub_once(text, old, new):
    assert text.count(old) >= 1, (old, text)
    return text.replace(old, new, 1)


def build_md(iv):
    p = fjord_parts(iv)
    md = []
    md += ["---", f"title: {p['title']}", f"description: \"{p['description']}\"", "lang: nb",
           "author: Redaksjonen", "date: 2024-05-02", "---", ""]
    md += [f"# {p['title']}", "", f"**{p['credit']}**", ""]
    md += [f"## {p['q1']}", ""]
    a1 = sub_once(p["a1"], "i Chess,", "i [Chess](https://www.chess.no/),")
    a1 = sub_once(a1, "i Fjordkraft i 2017", "i [Fjordkraft](https://www.fjordkraft.no/) i 2017")
    md += [a1, ""]
    t = p["table"]
    md += [f"| {t[0][0]} | {t[0][1]} |", "| --- | --- |", f"| {t[1][0]} | {t[1][1]} |",
           f"| {t[2][0]} | {t[2][1]} |", ""]
    md += [f"## {p['q2']}", ""]
    md += [p["a2a"].replace("løftebasert ledelse", "**løftebasert ledelse**"), ""]
    md += [p["a2b"].replace("konsekvensene", "*konsekvensene*"), ""]
    md += [f"## {p['q3']}", ""]
    md += wrap(p["a3"], 130) + [""]  # a hard-wrapped paragraph: soft line breaks inside sentences
    md += [f"## {p['q4']}", ""]
    md += [p["a4_head"].replace("helt vanlige mennesker", "*helt vanlige mennesker*"), ""]
    md += [f"- {p['a4_items'][0]}", f"- {p['a4_items'][1]}", f"  - {p['a4_items'][2]}", ""]
    md += [p["a4_end"], ""]
    md += [f"*{p['credit'].replace('CustomerTrends', '[CustomerTrends](https://customertrends.no/)')}*", ""]
    md += [f"`{p['code']}`"]
    text = "\n".join(md) + "\n"
    out = HERE / f"{FJORD}.md"
    out.write_text(text, encoding="utf-8")
    return out


def build_html(iv):
    p = fjord_parts(iv)
    png, pw, ph = tiny_png()
    e = html.escape

    def dash(line, ref="&#8211;"):
        # the dialogue dash written as a character reference
        return sub_once(e(line, quote=False), "\u2013 ", ref + " ")

    a1 = dash(p["a1"])
    a1 = sub_once(a1, "i Chess,", 'i <a href="https://www.chess.no/">Chess</a>,')
    a1 = sub_once(a1, "i ni år. ", "i ni år.<br>\n      ")
    a1 = sub_once(a1, "i Fjordkraft i 2017", 'i <a href="https://www.fjordkraft.no/">Fjordkraft</a> i 2017')
    a2a = sub_once(dash(p["a2a"]), "løftebasert ledelse", "<strong>løftebasert ledelse</strong>")
    a2b = sub_once(e(p["a2b"], quote=False), "konsekvensene", "<em>konsekvensene</em>")
    a3 = "\n      ".join(wrap(dash(p["a3"]), 90))
    a4 = sub_once(dash(p["a4_head"]), "helt vanlige mennesker", "<em>helt vanlige mennesker</em>")
    t = p["table"]
    img = base64.b64encode(png).decode("ascii")
    page = f"""<!DOCTYPE html>
<html lang="nb">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(p['title'])}</title>
  <meta name="description" content="{e(p['description'])}">
  <style>
    body {{ font-family: Georgia, serif; max-width: 42em; margin: 2em auto; line-height: 1.5; color: #222; }}
    nav a {{ color: #1f4e79; }}
    h2 {{ font-size: 1.1em; margin-bottom: .2em; }}
    .ingress {{ font-size: 1.15em; }}
    table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #999; padding: .3em .6em; vertical-align: top; }}
    figure img {{ width: 240px; height: auto; image-rendering: pixelated; }}
  </style>
  <script>
    // Not text: marks that scripts run; the string below must never be translated.
    document.documentElement.classList.add("js");
    const kilde = "Podcast i samarbeid med CustomerTrends & <ikke oversett>";
  </script>
</head>
<body>
  <nav>
    <a href="https://www.fjordkraft.no/">Fjordkraft</a>&nbsp;·&nbsp;<a href="https://customertrends.no/podcast/?kilde=tolk&amp;format=html">CustomerTrends</a>
  </nav>
  <article>
    <h1>{e(p['title'])}</h1>
    <p class="ingress"><strong>{e(p['credit'])}</strong></p>
    <h2>{e(p['q1'])}</h2>
    <p>{a1}</p>
    <table>
      <thead><tr><th>{e(t[0][0])}</th><th>{e(t[0][1])}</th></tr></thead>
      <tbody>
        <tr><td>{e(t[1][0])}</td><td>{e(t[1][1])}</td></tr>
        <tr><td>{e(t[2][0])}</td><td>{e(t[2][1])}</td></tr>
      </tbody>
    </table>
    <figure>
      <img src="data:image/png;base64,{img}" width="{pw * 5}" height="{ph * 5}" alt="{e(p['alt'])}">
      <figcaption>{e(p['figcaption'])}</figcaption>
    </figure>
    <h2>{e(p['q2'])}</h2>
    <p>{a2a}</p>
    <p>{a2b}</p>
    <h2>{e(p['q3'])}</h2>
    <p>{a3}</p>
    <h2>{e(p['q4'])}</h2>
    <p>{a4}</p>
    <ul>
      <li>{e(p['a4_items'][0])}</li>
      <li>{e(p['a4_items'][1])}
        <ul>
          <li>{e(p['a4_items'][2])}</li>
        </ul>
      </li>
    </ul>
    <p>{e(p['a4_end'])}</p>
  </article>
  <footer>
    <p><em>{e(p['credit']).replace('CustomerTrends', '<a href="https://customertrends.no/">CustomerTrends</a>')}</em></p>
    <p><code>{p['code']}</code></p>
  </footer>
</body>
</html>
"""
    out = HERE / f"{FJORD}.html"
    out.write_text(page, encoding="utf-8")
    return out


# --------------------------------------------------------------------------------------
# Checking with real applications
# --------------------------------------------------------------------------------------

def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')}")
    return r.stdout


def soffice_text(path, tmp):
    """The text LibreOffice shows: soffice --convert-to txt (UTF-8)."""
    run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
         "--convert-to", "txt:Text (encoded):UTF8", "--outdir", tmp, str(path)])
    return (Path(tmp) / (path.stem + ".txt")).read_text(encoding="utf-8-sig")


def chromium(args):
    return run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=/tmp/tolk-chromium-check",
                *args]).decode("utf-8")


def chromium_text(html_path, tmp):
    """The text Chromium renders: the page's body.innerText, read back with --dump-dom."""
    src = html_path.read_text(encoding="utf-8")
    probe = src.replace("</body>", "<script>document.body.textContent = document.body.innerText;</script>\n</body>")
    probe_path = Path(tmp) / ("probe-" + html_path.name)
    probe_path.write_text(probe, encoding="utf-8")
    dom = chromium(["--dump-dom", probe_path.as_uri()])
    m = re.search(r"<body>(.*)</body>", dom, re.S)
    body = re.sub(r"<script>.*?</script>", "", m.group(1), flags=re.S)
    return html.unescape(body)


class Attrs(HTMLParser):
    """title, meta description and img alt of a parsed page."""

    def __init__(self):
        super().__init__()
        self.found, self._in_title = {}, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "meta" and a.get("name") == "description":
            self.found["description"] = a["content"]
        if tag == "img":
            self.found["alt"] = a.get("alt")
        if tag == "html":
            self.found["lang"] = a.get("lang")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.found["title"] = self.found.get("title", "") + data


LIST_MARK_RE = re.compile(r"^[\s\u00a0]*[•◦▪·][ \t\u00a0]+")


def compare(name, txt_sentences, text, extras_ok=(), elsewhere=()):
    """Every sentence of the interview, in order, among the sentences of the extracted
    text; prints what else the document shows. Returns the number of problems.
    `elsewhere`: sentences (one occurrence each) that the document holds outside the
    text the application shows (an image description), checked by the caller.
    Tabs (between table cells) count as spaces; a list bullet LibreOffice writes before
    a list item is not text."""
    txt_sentences = list(txt_sentences)
    for s in elsewhere:
        txt_sentences.remove(s)
    doc_sentences = []
    for line in text.split("\n"):
        line = LIST_MARK_RE.sub("", line)
        doc_sentences.extend(sentences_of_line(re.sub(r"[ \t]+", " ", line)))
    problems = 0
    pos = 0
    missing = []
    for s in txt_sentences:
        try:
            pos = doc_sentences.index(s, pos) + 1
        except ValueError:
            missing.append(s)
    for s in missing:
        print(f"  MISSING (or out of order) in {name}: {s!r}")
        problems += 1
    txt_set = set(txt_sentences)
    extras = [s for s in doc_sentences if s not in txt_set]
    for s in extras:
        if s not in extras_ok:
            print(f"  NOT A SENTENCE of the interview in {name}: {s!r}")
            problems += 1
    counted = {s: doc_sentences.count(s) for s in set(doc_sentences) & txt_set}
    repeats = {s: c - txt_sentences.count(s) for s, c in counted.items() if c > txt_sentences.count(s)}
    print(f"  {name}: {len(doc_sentences)} sentences shown, all {len(txt_sentences)} interview sentences "
          f"found in order" if not missing else f"  {name}: {len(missing)} missing")
    for s, c in repeats.items():
        print(f"    repeated {c}x more than in the .txt: {s!r}")
    for s in extras:
        if s in extras_ok:
            print(f"    non-sentence shown (allowed): {s!r}")
    return problems


def compare_paragraphs(name, lines, text):
    """Each non-empty line of the .txt is, byte for byte, a paragraph (line) of the
    extracted text, in order (for the Word and LibreOffice files, where every paragraph
    of the interview is one paragraph of the document)."""
    shown = text.lstrip("\ufeff").split("\n")
    pos, problems = 0, 0
    for l in lines:
        try:
            pos = shown.index(l, pos) + 1
        except ValueError:
            print(f"  PARAGRAPH NOT FOUND byte for byte in {name}: {l[:60]!r}...")
            problems += 1
    if not problems:
        print(f"  {name}: all {len(lines)} paragraphs found byte for byte, in order "
              "(no-break spaces and trailing spaces included)")
    return problems


def check_tolk_agrees():
    """If a tolk binary is built, its segmentation of the .txt files equals ours."""
    for b in ("release", "debug"):
        exe = ROOT / "target" / b / "tolk"
        if exe.exists():
            break
    else:
        print("  (no target/*/tolk: the cross-check of the sentence splitter is skipped)")
        return 0
    problems = 0
    for iv in (Interview(LYSE_TXT), Interview(FJORD_TXT)):
        out = run([str(exe), "segment", str(iv.path)], cwd=tempfile.gettempdir()).decode("utf-8")
        theirs = [l for l in out.split("\n") if l]
        if theirs != iv.sentences:
            print(f"  tolk segment and make.py disagree on {iv.path.name}")
            problems += 1
        else:
            print(f"  tolk segment {iv.path.name}: same {len(theirs)} sentences as make.py")
    return problems


def check():
    problems = 0
    lyse, fjord = Interview(LYSE_TXT), Interview(FJORD_TXT)
    with tempfile.TemporaryDirectory() as tmp:
        print("sentence splitter:")
        problems += check_tolk_agrees()

        docx, odt = HERE / f"{LYSE}.docx", HERE / f"{LYSE}.odt"
        print("DOCX (LibreOffice txt conversion):")
        with zipfile.ZipFile(docx) as z:
            bad = z.testzip()
            doc_xml = z.read("word/document.xml").decode("utf-8")
            footer_xml = z.read("word/footer1.xml").decode("utf-8")
        if bad:
            print(f"  corrupt zip entry {bad}")
            problems += 1
        descr = html.unescape(re.search(r'descr="([^"]*)"', doc_xml).group(1))
        footer_text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", footer_xml))
        shown = soffice_text(docx, tmp)
        problems += compare(docx.name, lyse.sentences, shown, elsewhere=[descr])
        problems += compare_paragraphs(docx.name, [l for l in lyse.lines[1:] if l.strip()], shown)
        print(f"  image description (wp:docPr descr): {descr!r}; footer text: {footer_text!r}")
        for label, s in (("descr", descr), ("footer", footer_text.rstrip("0123456789"))):
            if s not in lyse.sentence_set:
                print(f"  {label} is not a sentence of the interview")
                problems += 1
        for feature in ("w:rsidR=", "w:rsidRPr=", "w:rsidRDefault=", "w:rsidP=", 'w:proofErr w:type="spellStart"',
                        'w:proofErr w:type="spellEnd"', "w:lastRenderedPageBreak", "w:bookmarkStart",
                        "w:bookmarkEnd", '<w:lang w:val="nb-NO"/>', 'xml:space="preserve"', "w:hyperlink",
                        'w:pStyle w:val="Heading1"', 'w:pStyle w:val="Caption"', "<w:i/>", "<w:b/>",
                        "w:drawing"):
            if feature not in doc_xml:
                print(f"  document.xml lacks {feature}")
                problems += 1

        print("ODT (LibreOffice txt conversion):")
        with zipfile.ZipFile(odt) as z:
            content = z.read("content.xml").decode("utf-8")
        odt_descr = html.unescape(re.search(r"<svg:desc>([^<]*)</svg:desc>", content).group(1))
        print(f"  image description (svg:desc): {odt_descr!r}")
        shown = soffice_text(odt, tmp)
        problems += compare(odt.name, lyse.sentences, shown, elsewhere=[odt_descr])
        problems += compare_paragraphs(odt.name, [l for l in lyse.lines[1:] if l.strip()], shown)

        md = HERE / f"{FJORD}.md"
        print("Markdown (pandoc -f gfm to HTML, then Chromium innerText):")
        md_html = Path(tmp) / "md.html"
        body = run(["pandoc", "-f", "gfm+yaml_metadata_block", "-t", "html5", str(md)]).decode("utf-8")
        md_html.write_text(f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>md</title></head>'
                           f"<body>{body}</body></html>", encoding="utf-8")
        problems += compare(md.name, fjord.sentences, chromium_text(md_html, tmp),
                            extras_ok=("Chess Fjordkraft", "2008 2017", "FJK-2017"))
        front = md.read_text(encoding="utf-8").split("---\n")[1]
        meta = dict(l.split(": ", 1) for l in front.strip().split("\n"))
        for key in ("title", "description"):
            v = meta[key].strip('"')
            ok = v in fjord.sentence_set
            print(f"  front matter {key}: {v!r} {'is a sentence' if ok else 'IS NOT A SENTENCE'}")
            problems += not ok
        if "<table>" not in body or "<code>FJK-2017</code>" not in body or body.count("<ul>") != 2:
            print("  pandoc did not see the table, the code span or the nested list")
            problems += 1

        page = HERE / f"{FJORD}.html"
        print("HTML (Chromium innerText, and LibreOffice txt conversion):")
        extras = ("Fjordkraft\u00a0·\u00a0CustomerTrends", "FJK-2017", "Chess Fjordkraft", "2008 2017",
                  "Chess", "Fjordkraft", "2008", "2017")
        problems += compare(page.name + " (chromium)", fjord.sentences, chromium_text(page, tmp), extras)
        problems += compare(page.name + " (soffice)", fjord.sentences, soffice_text(page, tmp), extras)
        dom = chromium(["--dump-dom", page.as_uri()])
        a = Attrs()
        a.feed(dom)
        print(f"  chromium --dump-dom: lang={a.found.get('lang')!r}, title={a.found.get('title')!r}")
        for key in ("title", "description", "alt"):
            ok = a.found.get(key) in fjord.sentence_set
            print(f"  {key}: {a.found.get(key)!r} {'is a sentence' if ok else 'IS NOT A SENTENCE'}")
            problems += not ok
        shot = Path(tmp) / "shot.png"
        chromium(["--screenshot=" + str(shot), "--window-size=1000,1800", page.as_uri()])
        print(f"  chromium --screenshot: {shot.stat().st_size} bytes")

    for f in sorted(HERE.iterdir()):
        if f.suffix in (".docx", ".odt", ".md", ".html") and f.name != "README.md":
            print(f"{f.name}: {f.stat().st_size} bytes")
    print("OK: all checks passed" if not problems else f"FAILED: {problems} problems")
    return 1 if problems else 0


def main():
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    lyse, fjord = Interview(LYSE_TXT), Interview(FJORD_TXT)
    docx = build_docx(lyse)
    outs = [docx]
    if "--no-odt" not in sys.argv[1:]:
        outs.append(build_odt(docx))
    outs += [build_md(fjord), build_html(fjord)]
    for o in outs:
        print(f"wrote {o.relative_to(ROOT)} ({o.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
