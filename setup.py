"""Only what pyproject.toml cannot say: the top-level ``cypher/`` and ``neo4j-local/`` folders
(fixed by the design card) ship inside the wheel as the package data ``kgbuild/_cypher`` and
``kgbuild/_neo4j_local``, without moving them (a package-dir mapping, one mapped package per
sub-folder so setuptools knows every file's package), and so the package data (pyproject.toml's
would override this file's). Everything else is in pyproject.toml."""
from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOTS = {"kgbuild._cypher": "cypher", "kgbuild._neo4j_local": "neo4j-local"}
DATA = ["*"]  # every file of the mapped folders (.cypher, .html, .grass, pom.xml, .java, ...)


def mapped() -> dict[str, str]:
    out = {}
    for package, folder in ROOTS.items():
        root = Path(folder)
        for d in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
            rel = d.relative_to(root).parts
            if any(part.startswith(".") or part == "target" for part in rel):
                continue  # Maven's build output and hidden folders stay out
            out[".".join([package, *rel])] = d.as_posix()
    return out


MAPPED = mapped()
setup(
    packages=find_namespace_packages(include=["kgbuild", "kgbuild.*"],
                                     exclude=["*.__pycache__", "kgbuild._*"]) + list(MAPPED),
    package_dir=MAPPED,
    package_data={
        "kgbuild": ["nlp/lexicons/*.jsonl", "nlp/patterns/*.jsonl", "data/*", "data/resolution/*.jsonl",
                    "data/resolution/*.md"],
        **{name: DATA for name in MAPPED},
    },
)
