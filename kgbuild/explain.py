"""Explainability: a paper's sentences with the spans and facts found in each, and the rule behind each.

``kgbuild explain PAPER_ID`` renders ``explain_paper``'s report; a notebook can use the report dicts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import KgbuildError
from .records import Extraction, Paper

SPAN_KEYS = ("entities", "abbreviations", "numbers", "cues")


@dataclass
class SentenceReport:
    index: int
    start: int
    end: int
    text: str
    spans: list[dict] = field(default_factory=list)  # {key, label, text, start, end, rule, canonical}
    facts: list[dict] = field(default_factory=list)  # {kind, fact, rule, decisions}


def find_paper(input_path: str | Path, paper_id: str) -> Paper:
    """The paper with ``paper_id`` in ``input_path``: its id (as ``kgbuild extract`` writes it) or,
    in the bundled corpus, its positional alias (``seed-0001``)."""
    from .read import read_papers

    for paper in read_papers(input_path, rejects=[]):
        if paper_id in (paper.id, paper.alias):
            return paper
    raise KgbuildError(f"No paper with id {paper_id!r} in {input_path}",
                       hint="ids are shown by `kgbuild extract INPUT -o -` (field paper_id)")


def _why(ev) -> dict:
    """The rule behind a fact and, for claims, the chain of decisions that made it (rule ids of
    the cue, the subject, object and dataset slots: ``cue:on-par-or-better + subject:self-reference
    + object:coordination``)."""
    chain = list(ev.decisions) if getattr(ev, "decisions", ()) else [ev.rule]
    return {"rule": " + ".join(chain), "decisions": chain}


def _fact_rows(ex: Extraction) -> list[tuple[int, dict]]:
    rows: list[tuple[int, dict]] = []
    for p in ex.proposes:
        rows.append((p.evidence.start, {"kind": "proposes", "fact": p.name, **_why(p.evidence)}))
    for r in ex.results:
        unit = r.unit or ""
        fact = f"{r.subject or '?'} · {r.metric or '-'} = {r.value:g}{unit}" + (f" on {r.dataset}" if r.dataset else "")
        rows.append((r.evidence.start, {"kind": "result", "fact": fact, **_why(r.evidence)}))
    for c in ex.comparisons:
        fact = f"{c.subject} {c.relation} {c.object}" + (f" on {c.dataset}" if c.dataset else "")
        rows.append((c.evidence.start, {"kind": "comparison", "fact": fact, **_why(c.evidence)}))
    return rows


def explain_paper(paper: Paper, *, nlp=None) -> tuple[Extraction, list[SentenceReport]]:
    """Run the pipeline on one paper and group its spans and facts by sentence."""
    from .extract import doc_to_extraction
    from .nlp import build_nlp

    nlp = nlp or build_nlp()
    doc = nlp(paper.text)
    ex = doc_to_extraction(doc, paper)
    reports = [SentenceReport(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]

    def owner(char: int) -> SentenceReport | None:
        for rep in reports:
            if rep.start <= char < max(rep.end, rep.start + 1):
                return rep
        return reports[-1] if reports else None

    for key in SPAN_KEYS:
        if key not in doc.spans:
            continue
        for span in doc.spans[key]:
            rep = owner(span.start_char)
            if rep is not None:
                rep.spans.append({"key": key, "label": span.label_, "text": span.text,
                                  "start": span.start_char, "end": span.end_char,
                                  "rule": span.id_ or "", "canonical": span.kb_id_ or ""})
    for start, row in _fact_rows(ex):
        rep = owner(start)
        if rep is not None:
            rep.facts.append(row)
    for rep in reports:
        rep.spans.sort(key=lambda s: (s["start"], s["key"]))
    return ex, reports


def format_explanation(paper: Paper, ex: Extraction, reports: list[SentenceReport]) -> str:
    """Plain-text rendering: each sentence, then its spans and facts with their rule ids."""
    out = [f"{paper.id}  {paper.title}", ""]
    for rep in reports:
        out.append(f"[{rep.index}] ({rep.start}-{rep.end}) {rep.text}")
        for s in rep.spans:
            canon = f" → {s['canonical']}" if s["canonical"] and s["canonical"] != s["text"] else ""
            out.append(f"      span  {s['key']:<13} {s['label']:<13} {s['text']!r}{canon}  [{s['rule']}]")
        for f in rep.facts:
            out.append(f"      FACT  {f['kind']:<13} {f['fact']}")
            out.append(f"            why: {f['rule']}")
        out.append("")
    names = ", ".join(f"{e.name} ({e.type})" for e in ex.entities) or "-"
    out.append(f"entities: {names}")
    out.append(f"proposes: {', '.join(p.name for p in ex.proposes) or '-'}")
    return "\n".join(out)
