"""Tests for kgbuild.read: the bundled corpus, each bad-record kind, formats, ids, laziness."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from kgbuild.errors import KgbuildError, ReadError
from kgbuild.normalize import match_key
from kgbuild.read import (
    SAMPLE_CORPUS, count_summary, derive_id, detect_format, is_warning, line_role, read_papers,
    reason_kind, write_rejects,
)
from kgbuild.records import Paper, Reject

FIX = Path(__file__).parent / "fixtures" / "read"

FIRST_TITLE = "RASAT: Integrating Relational Structures into Pretrained Seq2Seq Model for Text-to-SQL"
GLIDE = "GlideNet: Sparse Attention Routing for Long Documents"
HETERO = "HeteroMix: Multi-Hop Feature Mixing for Heterophilous Graphs"
FASTRAG = "FastRAG: Cached Retrieval for Open-Domain Question Answering"
CONFORMER = "Self-Supervised Conformers for Low-Resource Speech Recognition"


def read_all(path, **kw) -> tuple[list[Paper], list[Reject]]:
    rejects: list[Reject] = []
    papers = list(read_papers(path, rejects=rejects, **kw))
    return papers, rejects


def where(rejects: list[Reject]) -> list[tuple[str, int, str]]:
    return [(Path(r.file).name, r.line, r.reason) for r in rejects]


# --------------------------------------------------------------------------- bundled corpus
def test_sample_corpus_reads_420_papers_and_its_one_repeated_paper_is_rejected():
    """421 title/abstract pairs, one of them (AdaMix, lines 701 and 725) twice: one paper, one node."""
    papers, rejects = read_all(SAMPLE_CORPUS)
    assert where(rejects) == [("abstracts-seed.txt", 725, rejects[0].reason)]
    assert rejects[0].reason.startswith("duplicate id adamix-mixture-of-adaptations") and "line 701" in rejects[0].reason
    assert len(papers) == 420
    assert [p.alias for p in papers] == [f"seed-{n:04d}" for n in range(1, 422) if n != 362]
    assert [p.id for p in papers] == [derive_id(p.title) for p in papers]
    assert papers[0].title == FIRST_TITLE
    assert papers[0].abstract.startswith("Relational structures such as schema linking")
    assert papers[0].line == 3 and papers[-1].line == 843  # two chrome lines, then title/abstract pairs
    assert all(p.source == str(SAMPLE_CORPUS) for p in papers)
    assert detect_format(SAMPLE_CORPUS) == "seed"


def test_sample_corpus_titles_carry_no_page_chrome():
    papers, _ = read_all(SAMPLE_CORPUS)
    assert not any(p.title.startswith(("Subscribe", "Get trending")) for p in papers)
    assert all(len(p.abstract.split()) > len(p.title.split()) for p in papers)
    assert all(p.text == f"{p.title}\n{p.abstract}" for p in papers)


def test_missing_abstract_does_not_shift_later_pairs_parity_bug_on_real_corpus(tmp_path):
    """Regression (parity bug): dropping one abstract used to pair every later title with the
    next title. Here paper 5's abstract is removed from the real corpus."""
    lines = SAMPLE_CORPUS.read_text(encoding="utf-8").split("\n")
    original, _ = read_all(SAMPLE_CORPUS)
    # line numbers: paper N's title is line 2N+1, its abstract line 2N+2
    del lines[5 * 2 + 2 - 1]
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(lines), encoding="utf-8")
    papers, rejects = read_all(damaged)
    assert where(rejects)[0] == ("damaged.txt", 11, "title with no abstract")
    assert [r.reason.split()[0] for r in rejects[1:]] == ["duplicate"]  # the corpus's repeated AdaMix
    assert len(papers) == 419
    expected = [p for p in original if p.alias != "seed-0005"]
    assert [(p.id, p.title, p.abstract) for p in papers] == [(p.id, p.title, p.abstract) for p in expected]


# --------------------------------------------------------------------------- seed fixtures
def test_seed_missing_abstract_does_not_shift_later_pairs_parity_bug():
    """Regression (parity bug): a title followed by a title is rejected and the second title
    starts a new pair; ids stay numbered by title ordinal."""
    papers, rejects = read_all(FIX / "seed_missing_abstract.txt")
    assert [(p.id, p.title, p.line) for p in papers] == [
        (derive_id(GLIDE), GLIDE, 3),  # "Subscribe" prefix stripped, chrome skipped
        (derive_id(FASTRAG), FASTRAG, 6),
        (derive_id(CONFORMER), CONFORMER, 9),  # blank line ignored
    ]
    assert papers[1].abstract.startswith("Retrieval improves question answering")
    assert papers[2].abstract.startswith("Speech recognition for low-resource")
    assert where(rejects) == [
        ("seed_missing_abstract.txt", 5, "title with no abstract"),
        ("seed_missing_abstract.txt", 11, "title with no abstract"),  # last line of the file
    ]
    assert rejects[0].snippet == HETERO


def test_seed_abstract_with_no_title_is_rejected():
    papers, rejects = read_all(FIX / "seed_orphan_abstract.txt")
    assert [(p.id, p.title) for p in papers] == [(derive_id(GLIDE), GLIDE), (derive_id(FASTRAG), FASTRAG)]
    assert where(rejects) == [("seed_orphan_abstract.txt", 3, "abstract with no title")]
    assert rejects[0].snippet.startswith("Graph neural networks struggle")


def test_seed_undecodable_lines_reject_one_paper_each_and_the_rest_survive():
    papers, rejects = read_all(FIX / "seed_bad_bytes.txt")
    assert [(p.id, p.title, p.line) for p in papers] == [(derive_id(GLIDE), GLIDE, 1), (derive_id(CONFORMER), CONFORMER, 7)]
    assert where(rejects) == [
        ("seed_bad_bytes.txt", 3, "undecodable bytes (utf-8): byte 0xff at column 62 in title"),
        ("seed_bad_bytes.txt", 6, "undecodable bytes (utf-8): byte 0xe9 at column 41 in abstract of line 5"),
    ]


def test_seed_undecodable_bytes_read_with_a_matching_encoding():
    papers, rejects = read_all(FIX / "seed_bad_bytes.txt", encoding="latin-1")
    assert rejects == [] and [p.id for p in papers] == [derive_id(p.title) for p in papers] and len(papers) == 4
    assert "bu\u00e9t is slow" in papers[2].abstract


def test_seed_chrome_repeated_mid_file_is_skipped(tmp_path):
    text = SAMPLE_CORPUS.read_text(encoding="utf-8").split("\n")
    # two scraped pages glued together: chrome + "Subscribe" prefix again before paper 3
    pages = text[:6] + ["Get trending papers in your email inbox!", "Subscribe" + text[6]] + text[7:10]
    f = tmp_path / "pages.txt"
    f.write_text("\n".join(pages), encoding="utf-8")
    papers, rejects = read_all(f)
    assert rejects == []
    assert [p.title for p in papers] == [FIRST_TITLE, text[4], text[6], text[8]]
    assert [p.id for p in papers] == [derive_id(t) for t in (FIRST_TITLE, text[4], text[6], text[8])]
    assert [p.alias for p in papers] == [None] * 4  # positional aliases belong to the bundled corpus only
    assert papers[2].line == 8  # after the inserted chrome line


@pytest.mark.parametrize("line", [
    FIRST_TITLE,
    "Revisiting Discriminative vs. Generative Classifiers: Theory and Implications",
    "Visual Prompt Tuning",
    "Is attention all you need for graph learning?",
    "learning to learn by gradient descent by gradient descent",
])
def test_line_role_titles(line):
    assert line_role(line) == "title"


@pytest.mark.parametrize("line", [
    "We propose GlideNet. It beats Y on Z by 2 points.",
    "This paper studies how pretrained language models memorise the rare facts of their training data.",
    " ".join(["word"] * 45),
])
def test_line_role_abstracts(line):
    assert line_role(line) == "abstract"


def test_line_role_undecided_is_none():
    assert line_role("") is None
    assert line_role("Short Title Case Sentence.") is None


# --------------------------------------------------------------------------- JSON Lines
def test_jsonl_bad_records_are_rejected_with_file_line_and_reason():
    papers, rejects = read_all(FIX / "papers_bad.jsonl")
    assert where(rejects) == [
        ("papers_bad.jsonl", 2, "invalid JSON: Expecting value at column 45"),
        ("papers_bad.jsonl", 3, "JSON value is not an object (got list)"),
        ("papers_bad.jsonl", 4, "missing title"),
        ("papers_bad.jsonl", 5, "empty abstract"),
        ("papers_bad.jsonl", 7, "duplicate id p1 (first at line 1)"),
        ("papers_bad.jsonl", 8, 'warning: non-integer year dropped: "2021a" (paper 8 kept)'),
        ("papers_bad.jsonl", 10, "undecodable bytes (utf-8): byte 0xe9 at column 28"),
    ]
    assert [(p.id, p.line) for p in papers] == [
        ("p1", 1), ("8", 8), (derive_id(CONFORMER), 9), ("p11", 11),  # line 11 survives the bad line 10
    ]
    p1, p8, p9, _ = papers
    assert (p1.year, p1.url, p1.authors) == (2024, "https://example.org/p1", ("Ada Lovelace", "Alan Turing"))
    assert p8.year is None and p8.authors == ("Grace Hopper", "Edsger Dijkstra")  # "; " list, spaces collapsed
    assert p9.title == CONFORMER and p9.year == 2023 and p9.authors == ("Barbara Liskov", "Leslie Lamport")
    assert all(p.source == str(FIX / "papers_bad.jsonl") for p in papers)


def test_jsonl_round_trip(tmp_path):
    originals = [
        Paper(id="a-1", title="Ünïcode Title: Ωmega", abstract="First sentence. Second — with “quotes”.",
              year=2020, url="https://x.org/a", authors=("Zoë Ä", "Bo")),
        Paper(id="b-2", title="Plain", abstract="One line.", year=None, url=None, authors=()),
    ]
    f = tmp_path / "papers.ndjson"
    f.write_text("".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in originals), encoding="utf-8")
    papers, rejects = read_all(f)
    assert rejects == []
    assert [p.to_dict() | {"source": "", "line": 0} for p in papers] == [p.to_dict() for p in originals]
    assert [p.line for p in papers] == [1, 2]


def test_jsonl_whitespace_is_normalised_and_unicode_kept(tmp_path):
    f = tmp_path / "ws.jsonl"
    f.write_text(json.dumps({"id": "  x  ", "title": " A\u00a0 Title\n", "abstract": "α  β\t\nγ. "}) + "\n")
    (p,), _ = read_all(f)
    assert (p.id, p.title, p.abstract) == ("x", "A Title", "α β γ.")


def test_year_values(tmp_path):
    f = tmp_path / "y.jsonl"
    rows = [2021, "2022", 2023.0, "", None, 2024.5, True, "n.d."]
    f.write_text("".join(json.dumps({"id": str(i), "title": "T", "abstract": "A.", "year": y}) + "\n"
                         for i, y in enumerate(rows)))
    papers, rejects = read_all(f)
    assert [p.year for p in papers] == [2021, 2022, 2023, None, None, None, None, None]
    assert [r.line for r in rejects] == [6, 7, 8] and all(is_warning(r) for r in rejects)


# --------------------------------------------------------------------------- CSV
def test_csv_bad_records_are_rejected_with_record_start_line():
    papers, rejects = read_all(FIX / "papers_bad.csv")
    assert where(rejects) == [
        ("papers_bad.csv", 5, "missing title"),
        ("papers_bad.csv", 6, "empty abstract"),
        ("papers_bad.csv", 7, "duplicate id c1 (first at line 2)"),
        ("papers_bad.csv", 8, "undecodable bytes (utf-8): byte 0xe9 at column 8"),
        ("papers_bad.csv", 10, 'warning: non-integer year dropped: "n.d." (paper c10 kept)'),
    ]
    assert [(p.id, p.line, p.year) for p in papers] == [("c1", 2, 2024), ("c2", 3, 2022), ("c10", 10, None)]
    c1, c2, _ = papers
    assert c1.authors == ("Ada Lovelace", "Alan Turing") and c1.url is None
    assert c2.title == HETERO
    assert c2.abstract.startswith("Graph neural networks struggle with heterophilous graphs. We introduce")  # newline collapsed


def test_csv_round_trip_with_multiline_fields(tmp_path):
    originals = [
        Paper(id="1", title="Quoted, \"Title\"", abstract="Line one.\nLine two, with comma.", year=1999,
              url="u", authors=("A B", "C D")),
        Paper(id="2", title="Ωmega", abstract="Ünïcode abstract.", authors=()),
    ]
    f = tmp_path / "papers.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "Title", "Abstract", "Year", "URL", "Authors"])  # header case does not matter
        for p in originals:
            w.writerow([p.id, p.title, p.abstract, p.year or "", p.url or "", "; ".join(p.authors)])
    papers, rejects = read_all(f)
    assert rejects == []
    assert [p.line for p in papers] == [2, 4]  # record 1 spans lines 2-3
    assert papers[0].abstract == "Line one. Line two, with comma."
    assert [(p.id, p.title, p.year, p.url, p.authors) for p in papers] == [
        ("1", 'Quoted, "Title"', 1999, "u", ("A B", "C D")), ("2", "Ωmega", None, None, ())]


def test_csv_without_id_column_derives_ids(tmp_path):
    f = tmp_path / "noid.csv"
    f.write_text(f'title,abstract\n"{GLIDE}",Some abstract.\n', encoding="utf-8")
    (p,), _ = read_all(f)
    assert p.id == derive_id(GLIDE)


def test_csv_without_header_row_is_a_read_error():
    with pytest.raises(ReadError, match="no_header.csv: CSV header row has no 'title' or 'abstract' column"):
        read_papers(FIX / "no_header.csv")


# --------------------------------------------------------------------------- ids
def test_derive_id_is_stable_and_insensitive_to_case_space_and_punctuation():
    rid = derive_id(FIRST_TITLE)
    assert rid == "rasat-integrating-relational-structures-into-pretrained-7fd9e4f1"  # golden: must not drift
    assert rid.endswith("-" + hashlib.sha1(match_key(FIRST_TITLE).encode()).hexdigest()[:8])
    assert derive_id("  rasat integrating relational structures into pretrained seq2seq model "
                     "for text to sql ") == rid
    assert derive_id(FIRST_TITLE + " v2") != rid
    assert len(rid.rsplit("-", 1)[0]) <= 60


def test_derive_id_for_non_latin_titles():
    assert derive_id("Café Über Naïve").startswith("cafe-uber-naive-")
    assert derive_id("模型").startswith("paper-")


# --------------------------------------------------------------------------- files and formats
def test_missing_file_raises_read_error_with_path_before_iteration(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(ReadError, match="nope.jsonl: no such file") as info:
        read_papers(missing)  # not iterated: raised at call time
    assert isinstance(info.value, KgbuildError) and str(missing) in info.value.message


def test_directory_unknown_format_and_bad_encoding_raise_read_error(tmp_path):
    with pytest.raises(ReadError, match="is a directory"):
        read_papers(tmp_path)
    with pytest.raises(ReadError, match="unknown format 'xml'"):
        read_papers(SAMPLE_CORPUS, format="xml")
    with pytest.raises(ReadError, match="binary file"):
        read_papers(FIX / "mystery.dat")
    with pytest.raises(ReadError, match="not line-compatible"):
        read_papers(SAMPLE_CORPUS, encoding="utf-16")
    notes = tmp_path / "notes.md"
    notes.write_text("We did things. Then more things happened. The end.\n")
    with pytest.raises(ReadError, match="cannot tell the input format"):
        detect_format(notes)
    array = tmp_path / "papers.json"
    array.write_text('[{"title": "T", "abstract": "A."}]\n')
    with pytest.raises(ReadError, match="one JSON array"):
        read_papers(array)
    lone_title = tmp_path / "titles.data"
    lone_title.write_text("A Title\nAnother Title\n")
    with pytest.raises(ReadError, match="cannot tell the input format"):
        detect_format(lone_title)


def test_detect_format_by_suffix_then_content(tmp_path):
    assert detect_format(FIX / "papers_bad.jsonl") == "jsonl"
    assert detect_format(FIX / "papers_bad.csv") == "csv"
    j, c, s = tmp_path / "a.data", tmp_path / "b.data", tmp_path / "c.data"
    j.write_text('\n{"title": "T", "abstract": "A."}\n')
    c.write_text('"id","Title","abstract"\n1,T,A.\n')
    s.write_bytes(SAMPLE_CORPUS.read_bytes()[:5000])
    assert [detect_format(p) for p in (j, c, s)] == ["jsonl", "csv", "seed"]
    assert [p.id for p in read_papers(c)] == ["1"]


def test_reading_is_lazy(tmp_path):
    f = tmp_path / "lazy.jsonl"
    f.write_text('{"id": "1", "title": "T", "abstract": "A."}\nnot json\n')
    rejects: list[Reject] = []
    it = read_papers(f, rejects=rejects)
    assert next(it).id == "1"
    assert rejects == []  # line 2 not read yet
    assert list(it) == [] and [r.line for r in rejects] == [2]


# --------------------------------------------------------------------------- report
def test_write_rejects_and_count_summary(tmp_path):
    _, rejects = read_all(FIX / "papers_bad.jsonl")
    out = tmp_path / "report" / "rejects.jsonl"
    assert write_rejects(rejects, out) == len(rejects) == 7
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {"file": str(FIX / "papers_bad.jsonl"), "line": 2,
                       "reason": "invalid JSON: Expecting value at column 45",
                       "snippet": '{"id": "p2", "title": "Broken", "abstract":'}
    assert [Reject(**r) for r in rows] == rejects
    _, more = read_all(FIX / "seed_missing_abstract.txt")
    assert count_summary(rejects + more) == {
        "title with no abstract": 2, "JSON value is not an object": 1, "duplicate id": 1, "empty abstract": 1,
        "invalid JSON": 1, "missing title": 1, "undecodable bytes": 1, "warning: non-integer year dropped": 1,
    }
    assert reason_kind("duplicate id x (first at line 3)") == "duplicate id"
    assert reason_kind("something new") == "something new"


def test_seed_undecided_lines_take_the_role_the_alternation_expects(tmp_path):
    f = tmp_path / "short.txt"
    # "Withdrawn by the authors." reads as neither title nor abstract: after a title it is the abstract
    f.write_text(f"{GLIDE}\nWithdrawn by the authors.\n{HETERO}\nShort Title Case Sentence.\n", encoding="utf-8")
    papers, rejects = read_all(f)
    assert [(p.id, p.abstract) for p in papers] == [(derive_id(GLIDE), "Withdrawn by the authors."),
                                                    (derive_id(HETERO), "Short Title Case Sentence.")]
    assert rejects == []


def test_invalid_id_and_extra_csv_fields_are_rejected(tmp_path):
    j = tmp_path / "ids.jsonl"
    j.write_text('{"id": [1], "title": "T", "abstract": "A."}\n{"id": 7, "title": "T", "abstract": "A."}\n')
    papers, rejects = read_all(j)
    assert [p.id for p in papers] == ["7"] and where(rejects) == [("ids.jsonl", 1, "invalid id: [1]")]
    c = tmp_path / "extra.csv"
    c.write_text("id,title,abstract\n1,T,A.,surplus\n2,T,A.\n")
    papers, rejects = read_all(c)
    assert [p.id for p in papers] == ["2"]
    assert where(rejects) == [("extra.csv", 2, "malformed CSV record: 4 fields, header has 3")]


def test_write_rejects_to_an_unwritable_place_is_a_kgbuild_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(KgbuildError, match="cannot write the rejects report"):
        write_rejects([Reject("f", 1, "missing title")], blocker / "rejects.jsonl")


def test_byte_order_mark_is_dropped(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes("\ufeffid,title,abstract\n1,T,A.\n".encode("utf-8"))
    for enc in ("utf-8", "utf-8-sig"):
        papers, rejects = read_all(f, encoding=enc)
        assert [p.id for p in papers] == ["1"] and rejects == []
