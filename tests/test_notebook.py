"""The notebook is executed by the test suite, so it never rots."""
from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "explore.ipynb"


@pytest.mark.slow
def test_explore_notebook_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("KGBUILD_NOTEBOOK_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    )
    assert "papers read" in outputs
    assert "full fine-tuning" in outputs or "full finetuning" in outputs
    # the methods-beating cell produced a non-empty DataFrame with evidence
    beating = nb.cells[3]["outputs"][0]["data"]["text/plain"]
    assert "evidence" in beating and "Empty DataFrame" not in beating
    images = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "expected the datasets plot and the networkx claim graph"
