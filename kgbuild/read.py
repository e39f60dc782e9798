"""Read paper abstracts from the bundled seed text, JSON Lines or CSV into ``Paper`` records.

This is the first stage: everything later (``nlp``/``extract``, ``resolve``, ``rows``, the
stores) consumes the ``Paper`` stream produced here, so the reader is where messy input is made
trustworthy. Three rules drive the design:

* **Streaming.** Files are read as bytes one line at a time and decoded per line, so a corpus of
  any size uses constant memory (only the set of ids seen so far grows, to catch duplicates) and
  one undecodable line costs one record, not the whole file.
* **Bad records are data, not errors.** A record that cannot become a ``Paper`` is appended to the
  caller's ``rejects`` list as a ``Reject(file, line, reason, snippet)`` and skipped; the caller
  counts them (``count_summary``) and may write them out (``write_rejects``). Only a file that
  cannot be read at all (missing, a directory, unknown format, CSV without a header) raises
  ``ReadError``.
* **Stable, unique ids from content.** Every format gives a paper its ``id`` when the record has
  one, else ``derive_id(title)``, which depends on the normalised title alone: two different
  papers never share an id (so never a graph node), and the same paper read from two files is
  one node. Positional ids are not keys: in the bundled corpus each paper also carries the alias
  ``seed-%04d`` (its title ordinal, rejected titles counted too, so a damaged paper never
  renumbers the ones after it), which the gold files, ``kgbuild explain seed-0001`` and the docs
  use. (Positional ids as keys made a second ``.txt`` file MERGE its papers onto the first's.)

Reject reasons start with one of ``REASON_KINDS`` (details may follow), so ``count_summary`` can
group them. One reason is a *warning*, not a rejection: a ``year`` that is not an integer
("2021a", "n.d.", 2021.5) is dropped, the paper is still yielded (its abstract is what the graph
needs) and a ``Reject`` whose reason starts with ``"warning: "`` is recorded so the analyst can
find the record (``is_warning`` tells them apart).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Literal

from kgbuild.errors import KgbuildError, ReadError
from kgbuild.normalize import fold, match_key
from kgbuild.records import Paper, Reject

__all__ = [
    "SAMPLE_CORPUS", "FORMATS", "REASON_KINDS", "read_papers", "detect_format", "derive_id",
    "line_role", "write_rejects", "count_summary", "reason_kind", "is_warning",
]

SAMPLE_CORPUS: Path = Path(__file__).parent / "data" / "abstracts-seed.txt"

FORMATS: tuple[str, ...] = ("seed", "jsonl", "csv")
Format = Literal["seed", "jsonl", "csv"]

_SUFFIX_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
    ".csv": "csv",
    ".txt": "seed",
}

# Reason kinds, in the words the rejects report uses. Each Reject.reason starts with one of these.
EMPTY_ABSTRACT = "empty abstract"
MISSING_TITLE = "missing title"
INVALID_JSON = "invalid JSON"
NOT_AN_OBJECT = "JSON value is not an object"
UNDECODABLE = "undecodable bytes"
TITLE_NO_ABSTRACT = "title with no abstract"
ABSTRACT_NO_TITLE = "abstract with no title"
DUPLICATE_ID = "duplicate id"
INVALID_ID = "invalid id"
MALFORMED_CSV = "malformed CSV record"
TOO_LONG = "field too long"
LONG_RUN = "unbroken run of characters too long"
EXTRACT_FAILED = "extraction failed"
YEAR_DROPPED = "warning: non-integer year dropped"
YEAR_OUT_OF_RANGE = "warning: year out of range dropped"
REASON_KINDS: tuple[str, ...] = (
    EMPTY_ABSTRACT, MISSING_TITLE, INVALID_JSON, NOT_AN_OBJECT, UNDECODABLE, TITLE_NO_ABSTRACT,
    ABSTRACT_NO_TITLE, DUPLICATE_ID, INVALID_ID, MALFORMED_CSV, TOO_LONG, LONG_RUN, EXTRACT_FAILED,
    YEAR_DROPPED, YEAR_OUT_OF_RANGE,
)

# Field limits: a record beyond them is rejected (file, line, reason) instead of sinking the run.
# Why these numbers: arXiv caps abstracts at 1,920 characters, so 20,000 is ten times any real
# abstract, yet bounds extraction (time and memory grow faster than linearly with one sentence's
# length: 50k characters took 14 s and 280 MB, 100k 55 s and 770 MB) and stays far below spaCy's
# max_length (1,000,000). Ids are graph keys: a 5,000-character key crashed FalkorDB's unique
# constraint. spaCy's tokenizer is quadratic on one long whitespace-free run ("]]]]..." of 20,000
# characters: 118 s), so such runs are capped too (real URLs and formulas stay well under 300).
MAX_ID_CHARS = 200
MAX_TITLE_CHARS = 1_000
MAX_ABSTRACT_CHARS = 20_000
MAX_RUN_CHARS = 300
YEAR_MIN, YEAR_MAX = 1000, 2100

_SNIPPET_CHARS = 80
_SNIFF_BYTES = 64 * 1024


# --------------------------------------------------------------------------- small helpers
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# (tried at the start of a run only: the same first match as ``\S{N,}``, without rescanning
# every word from each of its characters)
_LONG_RUN = re.compile(r"(?<!\S)\S{%d,}" % (MAX_RUN_CHARS + 1))


def _clean(text: str) -> str:
    """Sanitise and collapse: NUL and other control characters are dropped, lone surrogates (JSON
    ``"\\ud800"``) become U+FFFD, every run of (Unicode) whitespace becomes one space, stripped.

    Why sanitise here: a NUL broke the embedded store's query for the whole build, and a lone
    surrogate cannot be encoded as UTF-8, so it crashed the first writer that met it.
    """
    # (fast paths: a printable string holds no control character, an ASCII one no surrogate)
    if not text.isprintable() and _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return " ".join(text.split())


def _size_problem(title: str, abstract: str, pid: str | None = None) -> str | None:
    """The reject reason when a field is beyond the limits above, else None."""
    for name, value, limit in (("id", pid or "", MAX_ID_CHARS), ("title", title, MAX_TITLE_CHARS),
                               ("abstract", abstract, MAX_ABSTRACT_CHARS)):
        if len(value) > limit:
            return f"{TOO_LONG}: {name} has {len(value):,} characters (limit {limit:,})"
    for name, value in (("title", title), ("abstract", abstract)):
        m = _LONG_RUN.search(value)
        if m:
            return (f"{LONG_RUN}: {name} has {len(m.group()):,} characters without a space at column "
                    f"{m.start() + 1} (limit {MAX_RUN_CHARS})")
    return None


def _snippet(text: str) -> str:
    text = _clean(text)
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"


def derive_id(title: str) -> str:
    """A stable id for a paper that has none: ``slug-of-the-title`` + ``-`` + 8 hex of a sha1.

    The slug makes ids readable in the graph and in Cypher results; the hash is taken over
    ``normalize.match_key(title)``, so case, punctuation and whitespace variants of one title get
    the same id (and re-reading a file gives the same ids, which keeps store writes idempotent).
    """
    ascii_title = fold(_clean(title)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 60:
            break
        slug = candidate
    if not slug:
        slug = words[0][:60] if words else "paper"
    digest = hashlib.sha1(match_key(title).encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


# --------------------------------------------------------------------------- title vs abstract
# Words after which a period does not end a sentence ("Discriminative vs. Generative").
_NON_TERMINAL = frozenset(
    "vs v al e.g i.e eg ie etc cf fig figs eq eqs sec no nos approx resp dr mr ms st ca et viz".split()
)
_BREAK = re.compile(r"([.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_NAME_COLON = re.compile(r"^\S+(?:\s\S+){0,4}:\s")  # "RASAT: ...", "Segment Anything 2: ..."
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is of on or over per the to under via vs with without".split()
)


def _sentence_breaks(text: str, limit: int = 2) -> int:
    """Sentence boundaries inside ``text`` (a ./!/? then space then a capital or digit), counted
    up to ``limit``: callers only need to know "none", "one" or "several"."""
    n = 0
    for m in _BREAK.finditer(text):
        if m.group(1) == ".":
            before = text[max(0, m.start(1) - 40): m.start(1)].rsplit(None, 1)
            word = before[-1].lower().lstrip("(\"'") if before else ""
            if word in _NON_TERMINAL or len(word) == 1:  # abbreviation or an initial ("J. Smith")
                continue
        n += 1
        if n >= limit:
            break
    return n


def _title_cased(words: list[str]) -> bool:
    """Most content words start with a capital (or are acronyms / mixed case like "Seq2Seq")."""
    content = [w for w in words if w.lower().strip(",:;()") not in _SMALL_WORDS]
    if not content:
        return False
    capital = sum(1 for w in content if w.lstrip("\"'“(")[:1].isupper() or w[:1].isdigit())
    return capital / len(content) >= 0.6


def line_role(text: str) -> Literal["title", "abstract"] | None:
    """Whether a seed line reads like a title, an abstract, or cannot be told (``None``).

    Decided by content so that one missing line does not flip every later pair. A title is short
    (at most 30 words), has no sentence break inside and no final period, and is usually
    title-cased or shaped "Name: subtitle". An abstract is long (40+ words) or has several
    sentences or ends with a period. The caller resolves ``None`` from context (what the
    previous line was).
    """
    return _role(_clean(text))


def _role(text: str) -> Literal["title", "abstract"] | None:
    """``line_role`` of an already whitespace-normalised line."""
    if not text:
        return None
    if text.count(" ") >= 39:  # 40+ words: no need to split a long abstract
        return "abstract"
    words = text.split(" ")
    n = len(words)
    stripped = text.rstrip("\"'”’)]")
    final_period = stripped.endswith(".") and not stripped.endswith("...")
    breaks = _sentence_breaks(text)
    if breaks >= 2 or (breaks == 1 and final_period):
        return "abstract"
    titleish = bool(_NAME_COLON.match(text)) or _title_cased(words)
    if not final_period and breaks == 0 and n <= 30:
        return "title"
    if final_period and n >= 12 and not titleish:
        return "abstract"
    if not final_period and titleish:
        return "title"
    return None


# Page chrome scraped along with the listing. Matched against the whole (short) line, so a real
# title that merely starts with one of these words is never dropped.
_CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"get trending papers in your email inbox(?: once a day)?[.!]?",
        r"subscribe[.!]?",
        r"(?:sign in|sign up|log in|login|logout|log out)",
        r"(?:trending|daily|latest|top) papers",
        r"(?:load|show|view|see) (?:more|all)(?: papers)?",
        r"back to top",
    )
]
_SUBSCRIBE_PREFIX = re.compile(r"^Subscribe(?=[A-Z0-9])")


def _is_chrome(text: str) -> bool:
    return len(text) <= 80 and any(p.fullmatch(text) for p in _CHROME)


# --------------------------------------------------------------------------- byte lines
class _Decoder:
    """Decode byte lines one at a time; the codec must map ``\\n`` to the byte 0x0A."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.first = True

    def decode(self, raw: bytes) -> str:
        text = raw.decode(self.encoding)  # may raise UnicodeDecodeError
        if self.first:
            self.first = False
            text = text.removeprefix("\ufeff")
        return text

    def decode_lossy(self, raw: bytes) -> str:
        return raw.decode(self.encoding, errors="replace").removeprefix("\ufeff")


def _check_encoding(encoding: str, path: Path) -> str:
    """The codec to decode lines with. A leading BOM is always dropped, so utf-8-sig is utf-8."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ReadError(f"{path}: unknown encoding {encoding!r}") from None
    if name == "utf-8-sig":
        return "utf-8"
    if "\n".encode(encoding) != b"\n":
        raise ReadError(
            f"{path}: encoding {encoding!r} is not line-compatible with ASCII",
            hint="convert the file to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        )
    return encoding


def _undecodable(err: UnicodeDecodeError, encoding: str) -> str:
    return f"{UNDECODABLE} ({encoding}): byte 0x{err.object[err.start]:02x} at column {err.start + 1}"


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ReadError(f"{path}: cannot open: {exc.strerror or exc}") from exc


def _lines(f: BinaryIO, path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, raw line without its line ending), lazily."""
    try:
        for n, raw in enumerate(f, 1):
            yield n, raw.rstrip(b"\r\n")
    except OSError as exc:
        raise ReadError(f"{path}: read failed: {exc}") from exc


# --------------------------------------------------------------------------- public API
def detect_format(path: str | os.PathLike[str]) -> Format:
    """The input format of ``path``: by suffix (.jsonl/.ndjson, .csv, .txt), else by content.

    Content sniffing looks at the first non-blank lines: ``{`` means JSON Lines, a comma-separated
    header naming ``title`` and ``abstract`` means CSV, page chrome or a title line followed by an
    abstract line means the seed format. Anything else (a JSON array, prose, binary) raises
    ``ReadError`` rather than guessing.
    """
    p = _check_path(Path(path))
    by_suffix = _SUFFIX_FORMATS.get(p.suffix.lower())
    if by_suffix:
        return by_suffix  # type: ignore[return-value]
    try:
        with p.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"{p}: cannot read: {exc}") from exc
    if b"\x00" in head:
        raise ReadError(f"{p}: looks like a binary file, not papers (use .jsonl, .csv or seed .txt)")
    lines = [ln.strip() for ln in head.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    first = lines[0].removeprefix("\ufeff") if lines else ""
    if first.startswith("{"):
        return "jsonl"
    if first.startswith("["):
        raise ReadError(f"{p}: looks like one JSON array; kgbuild reads JSON Lines (one object per line)",
                        hint="convert it, e.g. jq -c '.[]' in.json > papers.jsonl")
    header = {c.strip().strip('"').lower() for c in next(csv.reader([first]), [])} if first else set()
    if {"title", "abstract"} <= header:
        return "csv"
    if first and _is_chrome(first):
        return "seed"
    # a title line followed by an abstract line
    if len(lines) >= 2 and line_role(_SUBSCRIBE_PREFIX.sub("", first)) == "title" and line_role(lines[1]) == "abstract":
        return "seed"
    raise ReadError(
        f"{p}: cannot tell the input format",
        hint="name the file .jsonl, .csv or .txt (seed format), or pass format=",
    )


def read_papers(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    rejects: list[Reject] | None = None,
    encoding: str = "utf-8",
) -> Iterator[Paper]:
    """Stream the papers of ``path``; bad records go to ``rejects`` (if given) and are skipped.

    ``format`` is ``"seed"``, ``"jsonl"`` or ``"csv"`` (default: ``detect_format``). The path,
    format and encoding are checked when this is called, so a missing file or unknown format
    raises ``ReadError`` immediately rather than at the first ``next()``; records are read lazily.

    Fields (JSONL keys / CSV header columns, case-insensitive for CSV): ``id``, ``title``,
    ``abstract``, optional ``year``, ``url``, ``authors`` (a list, or one string separated by
    ``;`` or else by ``,``). Text is whitespace-normalised (runs collapsed, stripped; Unicode
    kept). Rejected: a missing title, an empty abstract, invalid JSON, a JSON value that is not an
    object, an ``id`` that is not a string or an integer, a line (CSV: a record) with
    undecodable bytes, a CSV record with more or fewer fields than the header, a seed title with no
    abstract or an abstract with no title, a repeated id (the first wins). A non-integer
    ``year`` is dropped with a ``warning:`` entry in ``rejects`` and the paper is kept: the
    abstract is what the graph is built from, and the entry tells the analyst which record to
    fix (``is_warning`` separates these from real rejects when counting).
    """
    p = _check_path(Path(path))
    encoding = _check_encoding(encoding, p)
    if format is None:
        fmt = detect_format(p)
    elif format in FORMATS:
        fmt = format
    else:
        raise ReadError(f"{p}: unknown format {format!r}", hint=f"use one of {', '.join(FORMATS)}")
    sink: list[Reject] = rejects if rejects is not None else []
    if fmt == "csv":
        _check_csv_header(p, encoding)
    reader = {"seed": _read_seed, "jsonl": _read_jsonl, "csv": _read_csv}[fmt]
    return _dedupe(reader(p, sink, encoding), sink)


def write_rejects(rejects: Iterable[Reject], path: str | os.PathLike[str]) -> int:
    """Write the rejects report: one JSON object per line (``file``, ``line``, ``reason``,
    ``snippet``), UTF-8. Returns the number written. Parent directories are created."""
    p = Path(path)
    n = 0
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as f:
            for r in rejects:
                f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
                n += 1
    except OSError as exc:
        raise KgbuildError(f"{p}: cannot write the rejects report: {exc.strerror or exc}") from exc
    return n


def reason_kind(reason: str) -> str:
    """The kind a reason belongs to (one of ``REASON_KINDS``), without its per-record details."""
    for kind in REASON_KINDS:
        if reason.startswith(kind):
            return kind
    return reason


def is_warning(reject: Reject) -> bool:
    """True for entries that record a repaired field: the paper itself was still read."""
    return reject.reason.startswith("warning: ")


def count_summary(rejects: Iterable[Reject]) -> dict[str, int]:
    """How many rejects of each kind, most frequent first (for the one-line CLI summary)."""
    counts = Counter(reason_kind(r.reason) for r in rejects)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --------------------------------------------------------------------------- checks
def _check_path(p: Path) -> Path:
    if not p.exists():
        raise ReadError(f"{p}: no such file", hint="check the path (the sample corpus is kgbuild.read.SAMPLE_CORPUS)")
    if p.is_dir():
        raise ReadError(f"{p}: is a directory, expected a file of papers")
    if not os.access(p, os.R_OK):
        raise ReadError(f"{p}: permission denied")
    return p


def _dedupe(papers: Iterator[Paper], rejects: list[Reject]) -> Iterator[Paper]:
    """Drop papers whose id was already seen; the first occurrence wins."""
    seen: dict[str, int] = {}
    for paper in papers:
        first = seen.get(paper.id)
        if first is not None:
            rejects.append(Reject(paper.source, paper.line,
                                  f"{DUPLICATE_ID} {paper.id} (first at line {first})",
                                  _snippet(paper.title)))
            continue
        seen[paper.id] = paper.line
        yield paper


# --------------------------------------------------------------------------- seed format
def _is_sample(path: Path) -> bool:
    try:
        return path.resolve() == SAMPLE_CORPUS.resolve()
    except OSError:
        return False


def _read_seed(path: Path, rejects: list[Reject], encoding: str) -> Iterator[Paper]:
    """Title line, abstract line, ... after some page chrome (see module and ``line_role``).

    Each non-blank line is classified by content; a line that cannot be told is taken as what the
    alternation expects (an abstract after a title, else a title). A title followed by a title is
    rejected and the second starts a new pair, so later pairs are never shifted. A line with
    undecodable bytes is rejected once for its paper: if it was the title, its abstract is
    consumed with it; if it was the abstract, the pending title goes with it.
    """
    src = str(path)
    dec = _Decoder(encoding)
    ordinal = 0
    bundled = _is_sample(path)  # only the bundled corpus has positional aliases (gold files use them)
    pending: tuple[int, int, str] | None = None  # (ordinal, line, title)
    skip_abstract = False  # the title was undecodable: its abstract belongs to the same reject
    after_chrome = True  # the "Subscribe" prefix is glued to the first title after page chrome
    with _open(path) as f:
        for lineno, raw in _lines(f, path):
            bad: UnicodeDecodeError | None = None
            try:
                text = _clean(dec.decode(raw))
            except UnicodeDecodeError as err:
                bad, text = err, _clean(dec.decode_lossy(raw))
            if not text:
                continue
            if _is_chrome(text):
                after_chrome = True
                continue
            if after_chrome:
                text = _SUBSCRIBE_PREFIX.sub("", text)
                after_chrome = False
            role = _role(text) or ("abstract" if pending else "title")
            if role == "title":
                if pending:
                    rejects.append(Reject(src, pending[1], TITLE_NO_ABSTRACT, _snippet(pending[2])))
                ordinal += 1
                pending = (ordinal, lineno, text)
                skip_abstract = False
                if bad:
                    rejects.append(Reject(src, lineno, _undecodable(bad, encoding) + " in title", _snippet(text)))
                    pending, skip_abstract = None, True
                continue
            # an abstract
            if bad:
                where = f" in abstract of line {pending[1]}" if pending else ""
                rejects.append(Reject(src, lineno, _undecodable(bad, encoding) + where, _snippet(text)))
                pending, skip_abstract = None, False
                continue
            if pending is None:
                if skip_abstract:
                    skip_abstract = False
                else:
                    rejects.append(Reject(src, lineno, ABSTRACT_NO_TITLE, _snippet(text)))
                continue
            num, tline, title = pending
            pending = None
            problem = _size_problem(title, text)
            if problem:
                rejects.append(Reject(src, tline, problem, _snippet(title)))
                continue
            yield Paper(id=derive_id(title), title=title, abstract=text, source=src, line=tline,
                        alias=f"seed-{num:04d}" if bundled else None)
    if pending:
        rejects.append(Reject(src, pending[1], TITLE_NO_ABSTRACT, _snippet(pending[2])))


# --------------------------------------------------------------------------- JSONL / CSV records
def _parse_year(value: Any) -> tuple[int | None, bool]:
    """(year, ok). ``ok`` is False when a value was present but is not an integer."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return value, True
    if isinstance(value, float):
        return (int(value), True) if value.is_integer() else (None, False)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,12}", value.strip()):
        return int(value.strip()), True
    return None, False


def _parse_authors(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(";") if ";" in value else value.split(",")
    elif isinstance(value, (list, tuple)):
        parts = [v if isinstance(v, str) else str(v) for v in value if v is not None]
    else:
        parts = [str(value)]
    return tuple(a for a in (_clean(p) for p in parts) if a)


def _make_paper(rec: dict[str, Any], src: str, line: int, snippet: str,
                rejects: list[Reject]) -> Paper | None:
    """A ``Paper`` from one JSONL object / CSV row, or ``None`` after appending its reject."""
    title = rec.get("title")
    title = _clean(title) if isinstance(title, str) else ""
    if not title:
        rejects.append(Reject(src, line, MISSING_TITLE, snippet))
        return None
    abstract = rec.get("abstract")
    abstract = _clean(abstract) if isinstance(abstract, str) else ""
    if not abstract:
        rejects.append(Reject(src, line, EMPTY_ABSTRACT, snippet))
        return None
    raw_id = rec.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        pid = derive_id(title)
    elif isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        rejects.append(Reject(src, line, f"{INVALID_ID}: {json.dumps(raw_id)[:40]}", snippet))
        return None
    else:
        pid = _clean(str(raw_id))
    problem = _size_problem(title, abstract, pid)
    if problem:
        rejects.append(Reject(src, line, problem, snippet))
        return None
    year, ok = _parse_year(rec.get("year"))
    shown = json.dumps(rec.get("year"), ensure_ascii=False)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    if not ok:
        rejects.append(Reject(src, line, f"{YEAR_DROPPED}: {shown} (paper {pid} kept)", snippet))
    elif year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        # 10**30 overflowed Neo4j's 64-bit integers and silently became 2^63-1 on the embedded store
        rejects.append(Reject(src, line, f"{YEAR_OUT_OF_RANGE}: {shown} not in {YEAR_MIN}-{YEAR_MAX} "
                                         f"(paper {pid} kept)", snippet))
        year = None
    url = rec.get("url")
    url = (_clean(url) or None) if isinstance(url, str) else None
    return Paper(id=pid, title=title, abstract=abstract, year=year, url=url,
                 authors=_parse_authors(rec.get("authors")), source=src, line=line)


def _read_jsonl(path: Path, rejects: list[Reject], encoding: str) -> Iterator[Paper]:
    src = str(path)
    dec = _Decoder(encoding)
    with _open(path) as f:
        for lineno, raw in _lines(f, path):
            try:
                text = dec.decode(raw)
            except UnicodeDecodeError as err:
                rejects.append(Reject(src, lineno, _undecodable(err, encoding), _snippet(dec.decode_lossy(raw))))
                continue
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError as err:
                rejects.append(Reject(src, lineno, f"{INVALID_JSON}: {err.msg} at column {err.colno}", _snippet(text)))
                continue
            except ValueError as err:  # e.g. an integer of more than 4,300 digits
                rejects.append(Reject(src, lineno, f"{INVALID_JSON}: {str(err)[:80]}", _snippet(text)))
                continue
            except RecursionError:  # 100k nested "[" exhausts the decoder's stack
                rejects.append(Reject(src, lineno, f"{INVALID_JSON}: nested too deeply", _snippet(text)))
                continue
            if not isinstance(rec, dict):
                rejects.append(Reject(src, lineno, f"{NOT_AN_OBJECT} (got {type(rec).__name__})", _snippet(text)))
                continue
            paper = _make_paper(rec, src, lineno, _snippet(text), rejects)
            if paper is not None:
                yield paper


class _CsvLines:
    """Feeds decoded lines to ``csv.reader`` and remembers which lines had undecodable bytes.

    Bad bytes are decoded with ``surrogateescape`` so the CSV structure (quotes, commas, line
    ends: all ASCII) is still parsed correctly and the record around them can be skipped whole.
    """

    def __init__(self, f: BinaryIO, path: Path, encoding: str):
        self._it = _lines(f, path)
        self._dec = _Decoder(encoding)
        self.encoding = encoding
        self.bad: dict[int, UnicodeDecodeError] = {}
        self.lineno = 0

    def __iter__(self) -> "_CsvLines":
        return self

    def __next__(self) -> str:
        lineno, raw = next(self._it)
        self.lineno = lineno
        try:
            text = self._dec.decode(raw)
        except UnicodeDecodeError as err:
            self.bad[lineno] = err
            text = raw.decode(self.encoding, errors="surrogateescape").removeprefix("\ufeff")
        return text + "\n"


def _csv_header(row: list[str]) -> list[str]:
    return [c.strip().lower() for c in row]


def _check_csv_header(path: Path, encoding: str) -> None:
    """CSV needs a header row naming at least ``title`` and ``abstract``: checked up front."""
    try:
        with _open(path) as f:
            lines = _CsvLines(f, path, encoding)
            for row in csv.reader(lines):
                if not any(c.strip() for c in row):
                    continue
                header = _csv_header(row)
                missing = [c for c in ("title", "abstract") if c not in header]
                if missing:
                    raise ReadError(
                        f"{path}: CSV header row has no {' or '.join(repr(m) for m in missing)} column "
                        f"(found: {', '.join(header)[:120]})",
                        hint="the first row must name the columns: id,title,abstract[,year,url,authors]",
                    )
                return
    except csv.Error as exc:
        raise ReadError(f"{path}: cannot parse the CSV header: {exc}") from exc


def _read_csv(path: Path, rejects: list[Reject], encoding: str) -> Iterator[Paper]:
    src = str(path)
    with _open(path) as f:
        lines = _CsvLines(f, path, encoding)
        reader = csv.reader(lines)
        header: list[str] | None = None
        prev_end = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                rejects.append(Reject(src, prev_end + 1, f"{MALFORMED_CSV}: {exc}"))
                prev_end = lines.lineno
                continue
            start, end, prev_end = prev_end + 1, lines.lineno, lines.lineno
            if not any(c.strip() for c in row):
                continue
            bad = {n: lines.bad.pop(n) for n in sorted(lines.bad) if start <= n <= end}
            if header is None:
                header = _csv_header(row)  # validated by _check_csv_header
                continue
            snippet = _snippet(",".join(row).encode("utf-8", "replace").decode("utf-8"))
            if bad:
                n, err = next(iter(bad.items()))
                where = f" at line {n}" if n != start else ""
                rejects.append(Reject(src, start, _undecodable(err, encoding) + where, snippet))
                continue
            if len(row) != len(header):  # too few fields shift the columns as surely as too many
                rejects.append(Reject(src, start, f"{MALFORMED_CSV}: {len(row)} fields, header has {len(header)}", snippet))
                continue
            rec = dict(zip(header, row))
            paper = _make_paper(rec, src, start, snippet, rejects)
            if paper is not None:
                yield paper
