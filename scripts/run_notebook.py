"""Execute notebooks/explore.ipynb in place, so it is committed with its outputs (`make notebook`).

The notebook is an analyst's report that must render on a code host, so its outputs are part of
the repository. tests/test_notebook.py executes it again into a temporary copy and checks that
the committed outputs are current (same text outputs, same number of pictures): change the
catalogue or the extraction, run `make notebook`, commit the result.

Outputs are made reproducible here: the embedded store is used whatever NEO4J_URI says, the
graph goes to a fresh temporary folder (KGBUILD_NOTEBOOK_STORE), and execution metadata
(timestamps, kernel versions) is dropped so a re-run without changes gives the same file.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def execute(path: Path = NOTEBOOK, *, store_dir: Path | None = None, timeout: int = 900):
    """Run every cell of ``path`` (working directory: its folder); return the executed notebook."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    env_before = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="kgbuild-notebook-") as tmp:
        os.environ["KGBUILD_NOTEBOOK_STORE"] = str(store_dir or Path(tmp) / "graph")
        os.environ.pop("NEO4J_URI", None)
        os.environ.pop("MPLBACKEND", None)
        try:
            nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            os.environ.clear()
            os.environ.update(env_before)
    return clean(nb)


def clean(nb):
    """Drop what changes on every run (execution timestamps, kernel/language versions)."""
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def text_outputs(nb) -> list[list[str]]:
    """Per code cell, its outputs as text (streams, text/plain, errors); pictures as a marker."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        items = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                items.append(o.get("text", ""))
            elif o.get("output_type") == "error":
                items.append(f"ERROR {o.get('ename')}: {o.get('evalue')}")
            else:
                data = o.get("data", {})
                if "image/png" in data:
                    items.append("<image/png>")
                elif "text/plain" in data:
                    items.append(data["text/plain"])
        out.append(items)
    return out


def main() -> int:
    import nbformat

    nb = execute()
    nbformat.write(nb, NOTEBOOK)
    print(f"wrote {NOTEBOOK} with outputs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
