"""Paper ids are stable and unique across inputs (issue 11, finding 1).

Positional ids (``seed-0007``) used to be graph keys, so a second ``.txt`` file MERGEd its papers
onto the first file's: one node got one paper's title and two papers' facts.
"""
from __future__ import annotations

import json

from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.pipeline import build
from kgbuild.read import SAMPLE_CORPUS, derive_id, read_papers
from kgbuild.stores.embedded import EmbeddedStore


def _pairs(lo: int, hi: int) -> list[str]:
    lines = [ln.removeprefix("Subscribe") for ln in SAMPLE_CORPUS.read_text(encoding="utf-8").splitlines()[2:] if ln.strip()]
    return lines[2 * lo: 2 * hi]  # title/abstract lines of papers lo+1 .. hi


def test_regression_two_txt_files_into_one_graph_keep_their_papers_apart(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("\n".join(_pairs(0, 3)) + "\n", encoding="utf-8")
    b.write_text("\n".join(_pairs(3, 6)) + "\n", encoding="utf-8")  # same layout, other papers
    with EmbeddedStore(tmp_path / "db") as store:
        build(a, store=store)
        build(b, store=store)
        papers = store.run("MATCH (p:Paper) RETURN p.key AS key, p.title AS title, p.abstract AS abstract, "
                           "p.source AS source ORDER BY key")
        assert len(papers) == 6
        expected = {p.id: p for f in (a, b) for p in read_papers(f)}
        assert {r["key"] for r in papers} == set(expected)
        for row in papers:
            paper = expected[row["key"]]
            assert (row["title"], row["abstract"], row["source"]) == (paper.title, paper.abstract, paper.source)
        # every fact's evidence sentence comes from its own paper's text
        facts = store.run("MATCH (p:Paper)-[r]->() RETURN p.key AS key, r.paper_id AS pid, r.sentence AS sentence")
        assert facts
        for f in facts:
            assert f["pid"] == f["key"]
            assert f["sentence"] in expected[f["key"]].text


def test_the_same_paper_from_two_files_is_one_node(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("\n".join(_pairs(0, 2)) + "\n", encoding="utf-8")
    b.write_text("\n".join(_pairs(1, 3)) + "\n", encoding="utf-8")  # paper 2 in both, at other positions
    with EmbeddedStore(tmp_path / "db") as store:
        build(a, store=store)
        build(b, store=store)
        assert store.counts()["Paper"] == 3


def test_ids_are_content_derived_in_every_format(tmp_path):
    title, abstract = _pairs(0, 1)
    (tmp_path / "p.jsonl").write_text(json.dumps({"title": title, "abstract": abstract}) + "\n", encoding="utf-8")
    (tmp_path / "p.csv").write_text("title,abstract\n" + f'"{title}","{abstract}"\n', encoding="utf-8")
    (tmp_path / "p.txt").write_text(f"{title}\n{abstract}\n", encoding="utf-8")
    ids = {f: [p.id for p in read_papers(tmp_path / f)] for f in ("p.jsonl", "p.csv", "p.txt")}
    assert ids == {f: [derive_id(title)] for f in ids}
    [bundled] = [p for p in read_papers(SAMPLE_CORPUS) if p.alias == "seed-0001"]
    assert bundled.id == derive_id(title)


def test_explain_accepts_the_bundled_corpus_alias():
    result = CliRunner().invoke(cli, ["explain", "seed-0001", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["title"].startswith("RASAT") and out["paper_id"] == derive_id(out["title"])
