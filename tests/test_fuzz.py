"""Fuzz: one bad record never sinks a run (issue 11, finding 3).

A generated mix of the bad records the issue found (5 MB abstract, 100k nested ``[``, a lone
surrogate, ``year: 10**30``, NUL bytes, a 5,000-character id, a 50k-character title, long bracket
runs, ...) plus lines of random bytes, shuffled among good records, is built through the real CLI
in a subprocess (so a crash of the embedded server or a traceback cannot hide). Asserted: no
traceback, exit 0 when any record was good, and every record is accounted for:
records read = papers written + rejected, each reject naming file, line and reason.

Bounded: about 40 records and a few MB per file, a few seconds per build. ``KGBUILD_FUZZ_SEED``
adds a seed of your own to the fixed ones.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.read import SAMPLE_CORPUS, read_papers

SEEDS = [11, 2026] + ([int(os.environ["KGBUILD_FUZZ_SEED"])] if os.environ.get("KGBUILD_FUZZ_SEED") else [])
SUMMARY = re.compile(r"(\d+) papers read, (\d+) rejected")


def _good_papers(n: int, rng: random.Random) -> list[dict]:
    papers = list(read_papers(SAMPLE_CORPUS))[:60]
    out = []
    for p in rng.sample(papers, n):
        rec = {"title": p.title, "abstract": p.abstract}
        if rng.random() < 0.5:
            rec["id"] = f"paper-{rng.randrange(10**9)}"
        if rng.random() < 0.5:
            rec["year"] = rng.choice([2019, 2021, "2023"])
        out.append(rec)
    return out


def _bad_records(rng: random.Random) -> list[str]:
    """JSON Lines records (text, one line each) that once crashed or corrupted a run."""
    t, a = "A Fine Title for a Paper", "An abstract that would be fine. It has two sentences."
    dumps = lambda d: json.dumps(d)  # noqa: E731
    deep = "[" * 1200 + "]" * 1200
    return [
        dumps({"title": t + " big", "abstract": "word " * 1_000_000}),                  # 5 MB abstract
        "[" * 100_000,                                                                   # RecursionError
        dumps({"title": t + " brackets", "abstract": "[" * 20_000 + " text."}),         # tokenizer blow-up
        '{"title": "' + t + ' nested", "abstract": "' + a + '", "authors": ' + deep + '}',
        '{"title": "Sur\\ud800rogate ' + t + '", "abstract": "lone \\udc00 surrogate. ' + a + '"}',
        dumps({"title": t + " year", "abstract": a, "year": 10**30}),
        dumps({"title": t + " old", "abstract": a, "year": -5}),
        dumps({"title": "NUL\u0000 " + t, "abstract": "NUL\u0000 byte. " + a, "id": "nul\u0000id"}),
        dumps({"id": "x" * 5000, "title": t + " long id", "abstract": a}),
        '{"id": ' + "9" * 5000 + ', "title": "huge int id", "abstract": "x y z."}',
        dumps({"title": "word " * 10_000, "abstract": a}),                               # 50k-char title
        dumps({"title": t + " sentence", "abstract": "data " * 9_000}),                  # one 45k sentence
        dumps({"title": t + " ctrl", "abstract": "\x1b[31mred\x1b[0m and \x07bell. " + a}),
        dumps({"title": "", "abstract": a}),
        dumps({"title": t, "abstract": "\u2003 \u2003"}),
        dumps({"id": ["a"], "title": t + " list id", "abstract": a}),
        dumps({"id": "dup", "title": t + " dup one", "abstract": a}),
        dumps({"id": "dup", "title": t + " dup two", "abstract": a}),
        "[1, 2, 3]", "null", "42", '{"title": "unterminated',
    ]


def _random_line(rng: random.Random) -> bytes:
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    return b"#" + body.replace(b"\n", b" ").replace(b"\r", b" ").replace(b'"', b"'")


def _run_build(path: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KGBUILD_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "kgbuild", "build", str(path), "--fresh"],
                          capture_output=True, text=True, env=env, timeout=600)


def _papers_in_graph(home: Path) -> int:
    from kgbuild.stores.embedded import EmbeddedStore

    with EmbeddedStore(home / "falkordb") as store:
        return store.counts().get("Paper", 0)


def _check(proc: subprocess.CompletedProcess, records: int, home: Path, path: Path) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    m = SUMMARY.search(proc.stderr)
    assert m, proc.stderr
    read, rejected = int(m.group(1)), int(m.group(2))
    assert read > 0
    assert _papers_in_graph(home) == read, "every paper read is written"
    assert records == read + rejected, (records, read, rejected)
    rejects = [json.loads(line) for line in (home / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    real = [r for r in rejects if not r["reason"].startswith("warning: ")]
    assert len(real) == rejected
    for r in rejects:
        assert r["file"] == str(path) and r["line"] >= 1 and r["reason"]


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_jsonl_mix_never_sinks_the_run(tmp_path, seed):
    rng = random.Random(seed)
    lines = [json.dumps(r).encode() for r in _good_papers(6, rng)]
    lines += [b.encode("utf-8") for b in rng.sample(_bad_records(rng), 16)]
    lines += [_random_line(rng) for _ in range(8)]
    rng.shuffle(lines)
    path = tmp_path / "mix.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    home = tmp_path / "home"
    _check(_run_build(path, home), len(lines), home, path)


def test_fuzz_csv_mix_never_sinks_the_run(tmp_path):
    rng = random.Random(7)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "title", "abstract", "year"])
    rows = [[r.get("id", ""), r["title"], r["abstract"], r.get("year", "")] for r in _good_papers(5, rng)]
    rows += [["big", "Big abstract", "word " * 1_000_000, ""], ["yr", "Year Title", "Fine abstract here.", str(10**30)],
             ["nul", "NUL\u0000 title", "NUL\u0000 abstract.", ""], ["x" * 5000, "Long id", "Fine abstract here.", ""],
             ["short", "Short row"], ["br", "Brackets", "]" * 30_000, ""]]
    rng.shuffle(rows)
    for row in rows:
        w.writerow(row)
    data = buf.getvalue().encode("utf-8")
    extra = [_random_line(rng) for _ in range(5)]
    path = tmp_path / "mix.csv"
    path.write_bytes(data + b"\n".join(extra) + b"\n")
    home = tmp_path / "home"
    _check(_run_build(path, home), len(rows) + len(extra), home, path)


def test_fuzz_seed_text_with_random_bytes_never_sinks_the_run(tmp_path):
    rng = random.Random(5)
    lines = SAMPLE_CORPUS.read_bytes().split(b"\n")[:30]
    for _ in range(6):
        lines.insert(rng.randrange(3, len(lines)), _random_line(rng))
    lines.insert(10, ("[" * 50_000).encode())
    lines.insert(12, "A title\u0000 with NUL".encode())
    path = tmp_path / "mix.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    home = tmp_path / "home"
    proc = _run_build(path, home)
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr[-3000:]
    m = SUMMARY.search(proc.stderr)
    assert m and int(m.group(1)) > 0 and _papers_in_graph(home) == int(m.group(1))


def test_fuzz_nothing_good_is_one_clear_error_and_keeps_the_graph(tmp_path):
    rng = random.Random(3)
    home = tmp_path / "home"
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in _good_papers(2, rng)) + "\n", encoding="utf-8")
    assert _run_build(good, home).returncode == 0
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join([b.encode() for b in _bad_records(rng)[:3]] + [_random_line(rng)]) + b"\n")
    proc = _run_build(path, home)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no paper could be read" in proc.stderr and str(path) in proc.stderr
    assert _papers_in_graph(home) == 2
