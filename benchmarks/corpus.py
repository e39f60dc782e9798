"""A large, realistic benchmark corpus: N distinct abstracts recombined from the bundled seed.

Repeating the 421 seed abstracts makes every text a cache hit after the first pass (spaCy's
tokenizer caches whitespace chunks), so speed measured on repeats does not describe new text.
This generator writes N *distinct* abstracts whose tokens, entity names and number of distinct
entities keep growing with N, as in a real corpus:

* each synthetic paper takes a seed paper as its template (title and sentence positions) and
  swaps about a third of its sentences for sentences of other seed papers;
* entity mentions found by kgbuild's own pipeline in the seed (run once, at start-up) are renamed
  consistently within a paper: an acronym-like word of a name ("LoRA", "GPT-4", "BERT-base") is
  either kept (well-known names recur) or replaced by a shape-preserving variant ("MaKE",
  "XKR-7", "QWZT-base": same pattern of upper/lower case, digits and punctuation, so the same
  rules find it). Variants of one seed name are drawn from a Pitman-Yor process (discount 0.5),
  so the number of distinct names grows like N^0.5 per seed name (Heaps' law), not linearly
  and not bounded;
* numbers outside names are perturbed (±20%, same number of decimals).

Deterministic for a given ``--seed``. The distinct entity names emitted so far (by type) are
printed on stderr every 100,000 papers and at the end.

    .venv/bin/python benchmarks/corpus.py 100000 -o /tmp/corpus-100k.jsonl
    .venv/bin/python benchmarks/corpus.py 1000000 -o /tmp/corpus-1m.jsonl.gz   # gzip by suffix
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from kgbuild.read import SAMPLE_CORPUS, read_papers  # noqa: E402

KEEP_ORIGINAL = 0.4  # probability that a mention keeps its seed name (well-known names recur)
PY_DISCOUNT, PY_CONCENTRATION = 0.5, 1.0  # Pitman-Yor process over the variants of one name
SWAP_SENTENCES = 0.33  # share of a template's sentences taken from other seed papers
_NUMBER = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)(?![\w])")
_WORD = re.compile(r"[A-Za-z0-9]+")

# A sentence or title is a tuple of segments: str (literal text) or (type, surface) for a name.
Segment = "str | tuple[str, str]"


@dataclass
class Template:
    title: tuple
    sentences: list[tuple]


def _segments(text: str, spans: list[tuple[int, int, str]], a: int, b: int) -> tuple:
    out: list = []
    pos = a
    for s, e, label in spans:
        if s < a or e > b or s < pos:
            continue
        if s > pos:
            out.append(text[pos:s])
        out.append((label, text[s:e]))
        pos = e
    if pos < b:
        out.append(text[pos:b])
    return tuple(out)


def load_templates(source: Path = SAMPLE_CORPUS) -> list[Template]:
    """Seed papers cut into sentences whose entity mentions (found by kgbuild) are marked."""
    from kgbuild.nlp import build_nlp

    papers = list(read_papers(source))
    nlp = build_nlp()
    out: list[Template] = []
    for doc, paper in zip(nlp.pipe(p.text for p in papers), papers):
        text = paper.text
        spans = sorted({(s.start_char, s.end_char, s.label_) for s in doc.spans.get("entities", [])})
        cut = len(paper.title)
        title = _segments(text, spans, 0, cut)
        sentences = []
        for sent in doc.sents:
            a, b = max(sent.start_char, cut + 1), sent.end_char
            if b > a and text[a:b].strip():
                sentences.append(_segments(text, spans, a, b))
        out.append(Template(title, sentences))
    return out


def _shape_variant(word: str, salt: int) -> str:
    """``word`` with each letter/digit replaced by a random one of the same class (deterministic)."""
    rnd = random.Random(zlib.crc32(word.encode()) * 1_000_003 + salt)
    out = []
    for ch in word:
        if "A" <= ch <= "Z":
            out.append(chr(65 + rnd.randrange(26)))
        elif "a" <= ch <= "z":
            out.append(chr(97 + rnd.randrange(26)))
        elif ch.isdigit():
            out.append(str(rnd.randrange(1, 10) if ch != "0" else rnd.randrange(10)))
        else:
            out.append(ch)
    return "".join(out)


def _renameable(word: str) -> bool:
    """Acronym-like words carry a name's identity ("LoRA", "T5", "BERT"); plain words don't."""
    return sum(c.isupper() for c in word) >= 2 or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))


def rename(surface: str, variant: int) -> str:
    """Variant ``variant`` (≥ 1) of a name: its acronym-like words get a shape-preserving twin."""
    return _WORD.sub(lambda m: _shape_variant(m.group(0), variant) if _renameable(m.group(0)) else m.group(0),
                     surface)


class Namer:
    """Pitman-Yor draws over the variants of each seed name; counts distinct names emitted."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.variants: dict[str, list[int]] = {}  # seed surface -> draw count per variant (1-based)
        self.draws: dict[str, int] = defaultdict(int)
        self.distinct: dict[str, set[str]] = defaultdict(set)  # type -> names emitted

    def draw(self, label: str, surface: str) -> str:
        if not any(_renameable(w) for w in _WORD.findall(surface)) or self.rnd.random() < KEEP_ORIGINAL:
            name = surface
        else:
            counts = self.variants.setdefault(surface, [])
            n = self.draws[surface]
            k = len(counts)
            if self.rnd.random() * (PY_CONCENTRATION + n) < PY_CONCENTRATION + PY_DISCOUNT * k:
                counts.append(1)
                v = k + 1
            else:
                v = self.rnd.choices(range(1, k + 1), weights=[c - PY_DISCOUNT for c in counts])[0]
                counts[v - 1] += 1
            self.draws[surface] = n + 1
            name = rename(surface, v)
        self.distinct[label].add(name.lower())
        return name

    def distinct_count(self) -> dict[str, int]:
        return {t: len(s) for t, s in sorted(self.distinct.items())}


def _numbers(text: str, rnd: random.Random) -> str:
    def repl(m: re.Match) -> str:
        s = m.group(1)
        decimals = len(s.split(".")[1]) if "." in s else 0
        v = float(s) * rnd.uniform(0.8, 1.2)
        if float(s) <= 100 < v:
            v = 100 - rnd.random() * 5
        return f"{v:.{decimals}f}" if decimals else str(max(1, round(v)))
    return _NUMBER.sub(repl, text)


def _render(segments: tuple, names: dict[str, str], namer: Namer, rnd: random.Random) -> str:
    parts = []
    for seg in segments:
        if isinstance(seg, str):
            parts.append(_numbers(seg, rnd) if any(c.isdigit() for c in seg) else seg)
        else:
            label, surface = seg
            name = names.get(surface)
            if name is None:
                name = names[surface] = namer.draw(label, surface)
            parts.append(name)
    return "".join(parts).strip()


def generate(n: int, *, seed: int = 13, templates: list[Template] | None = None,
             namer: Namer | None = None, prefix: str = "synth") -> Iterator[dict]:
    """``n`` distinct papers as dicts (``id``, ``title``, ``abstract``, ``year``)."""
    rnd = random.Random(seed)
    templates = templates or load_templates()
    namer = namer or Namer(random.Random(seed + 1))
    seen_titles: set[int] = set()
    for i in range(n):
        t = templates[rnd.randrange(len(templates))]
        sents = [s if rnd.random() >= SWAP_SENTENCES else
                 (lambda o: o.sentences[min(j, len(o.sentences) - 1)] if o.sentences else s)(
                     templates[rnd.randrange(len(templates))])
                 for j, s in enumerate(t.sentences)]
        names: dict[str, str] = {}
        title = _render(t.title, names, namer, rnd)
        abstract = " ".join(x for x in (_render(s, names, namer, rnd) for s in sents) if x)
        h = zlib.crc32(f"{title}\n{abstract}".encode())
        if h in seen_titles:  # vanishingly rare; keep every abstract distinct anyway
            abstract += f" (Variant {i}.)"
        seen_titles.add(h)
        yield {"id": f"{prefix}-{i:07d}", "title": title, "abstract": abstract, "year": 2015 + rnd.randrange(12)}


def write_corpus(n: int, out: str | Path, *, seed: int = 13, report_every: int = 100_000,
                 log=sys.stderr) -> dict[str, int]:
    """Write ``n`` papers to ``out`` (JSON Lines, gzip if it ends in .gz); return distinct names by type."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    namer = Namer(random.Random(seed + 1))
    t0 = time.perf_counter()
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wt", encoding="utf-8") as fh:
        for i, paper in enumerate(generate(n, seed=seed, namer=namer), 1):
            fh.write(json.dumps(paper, ensure_ascii=False))
            fh.write("\n")
            if log is not None and (i % report_every == 0):
                _report(log, i, namer, t0)
    if log is not None and n % report_every:
        _report(log, n, namer, t0)
    return namer.distinct_count()


def _report(log, i: int, namer: Namer, t0: float) -> None:
    counts = namer.distinct_count()
    detail = ", ".join(f"{t} {c:,}" for t, c in counts.items())
    print(f"{i:>10,} papers: {sum(counts.values()):,} distinct entity names ({detail}) "
          f"[{time.perf_counter() - t0:.0f}s]", file=log, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of abstracts")
    ap.add_argument("-o", "--output", required=True, help="output JSON Lines file (.gz compresses)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--report-every", type=int, default=100_000)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be positive")
    write_corpus(args.n, args.output, seed=args.seed, report_every=args.report_every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
