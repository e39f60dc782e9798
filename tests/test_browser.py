"""Neo4j Browser as an analyst meets it: a real headless Chromium against the test Neo4j.

Debian's ``chromium`` driven by Playwright for Python with the system browser (never a browser
download). The test connects to the local server's Browser, checks that the kgbuild style and
guide were applied on connect and that no usage-collection banner shows, pastes what
``kgbuild query methods-beating --show --param ...`` prints and checks that the rows (with
their evidence sentences) are shown, then runs the claims-around graph form and checks the Graph
view is drawn in the kgbuild colours. Screenshots go to ``tests/artifacts/`` (or
``$KGBUILD_ARTIFACTS``).

Skipped when Chromium or Playwright is missing, unless ``KGBUILD_REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs Chromium like it installs Java and Maven).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

pytestmark = [pytest.mark.neo4j, pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(os.environ.get("KGBUILD_ARTIFACTS") or Path(__file__).parent / "artifacts")
USAGE_BANNER = "collect information on product usage"


def _chromium() -> str:
    path = os.environ.get("KGBUILD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        msg = "no chromium on PATH (apt-get install chromium)"
        if os.environ.get("KGBUILD_REQUIRE_BROWSER") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="module")
def page():
    if os.environ.get("KGBUILD_REQUIRE_BROWSER") == "1":
        import playwright.sync_api  # noqa: F401  (fail, not skip, when required)
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1600, "height": 1000})
        finally:
            browser.close()


@pytest.fixture(scope="module")
def server():
    """The local test server (started by scripts/run-tests.sh) and its password."""
    from kgbuild import neo4j_local
    from kgbuild.config import neo4j_settings

    info = neo4j_local.status()
    if info is None:
        msg = "the local Neo4j (kgbuild neo4j start) is not running"
        if os.environ.get("KGBUILD_REQUIRE_NEO4J") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return info, neo4j_settings(info.bolt_uri).password


def _editor_run(page, text: str) -> None:
    editor = page.locator("[data-testid=activeEditor] textarea").first
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    page.keyboard.press("Control+Enter")


def test_browser_style_guide_catalogue_paste_and_graph(page, server, neo4j_store):
    try:
        _browser_walkthrough(page, server, neo4j_store)
    except BaseException:
        page.screenshot(path=str(ARTIFACTS / "browser-failure.png"))  # what the page showed
        raise


def _browser_walkthrough(page, server, neo4j_store):
    from kgbuild.cli import cli
    from kgbuild.pipeline import build
    from kgbuild.query import run_query
    from kgbuild.read import SAMPLE_CORPUS

    info, password = server
    build(SAMPLE_CORPUS, store=neo4j_store, fresh=True, quiet=True)

    # --- connect: the style and the guide are applied by browser.post_connect_cmd
    page.goto(f"{info.http_url}/browser/?dbms={info.bolt_uri}&preselectAuthMethod=NATIVE")
    page.wait_for_selector("[data-testid=username]", timeout=90_000)
    page.fill("[data-testid=username]", "neo4j")
    page.fill("[data-testid=password]", password)
    page.click("[data-testid=connect]")
    page.wait_for_selector("text=A knowledge graph of ML methods", timeout=90_000)  # the guide
    page.wait_for_selector(f"text=:style {info.http_url}/kgbuild/kgbuild.grass", timeout=30_000)
    style_frame = page.locator("[data-testid=frame]", has_text=":style").first
    assert "node.Method" in style_frame.inner_text(), "the kgbuild style did not load"
    assert USAGE_BANNER not in page.content()
    page.screenshot(path=str(ARTIFACTS / "browser-connected.png"))

    # --- the guide: one click puts a catalogue question in the editor, and it runs as it is
    guide = page.locator("[data-testid=frame]", has=page.locator("[data-testid=carousel]")).first
    guide.locator("[data-testid=nextSlide], [data-testid=guideNextSlide]").first.click()
    runnable = guide.locator("pre.runnable", has_text="claimed to outperform a baseline").first
    runnable.wait_for(timeout=30_000)
    guide.screenshot(path=str(ARTIFACTS / "browser-guide.png"))
    runnable.click()  # fills the editor
    page.locator("[data-testid=editor-Run]").first.click()
    defaults = run_query(neo4j_store, "methods-beating", {})
    assert defaults, "the seed graph has methods beating full fine-tuning on GLUE"
    frame = page.locator("[data-testid=frame]").first
    frame.locator("[data-testid=frame-loaded-contents]").wait_for(timeout=60_000)
    frame.get_by_text(defaults[0]["method"]).first.wait_for(timeout=30_000)

    # --- paste a catalogue file as `kgbuild query NAME --show --param ...` prints it: rows show
    shown = CliRunner().invoke(cli, ["query", "methods-beating", "--show", "--param", "baseline=FFT",
                                     "--param", "dataset=GLUE", "--param", "include_parts=true"])
    assert shown.exit_code == 0, shown.output
    expected = run_query(neo4j_store, "methods-beating",
                         {"baseline": "FFT", "dataset": "GLUE", "include_parts": True})
    assert len(expected) >= 2
    _editor_run(page, shown.stdout)
    frame = page.locator("[data-testid=frame]").first
    frame.locator("[data-testid=frame-loaded-contents]").wait_for(timeout=60_000)
    frame.locator("[data-testid=cypherFrameSidebarTable]").click()
    frame.get_by_text(expected[0]["method"]).first.wait_for(timeout=30_000)  # strings show in quotes
    table_text = frame.inner_text()
    header = re.search(r"method\s+type\s+baseline\s+dataset\s+via\s+evidence\s+paper_id\s+title", table_text)
    assert header, table_text[:500]
    for row in expected:
        assert row["evidence"][:60] in " ".join(table_text.split()), row["evidence"]
        assert row["method"] in table_text
    frame.screenshot(path=str(ARTIFACTS / "browser-catalogue-rows.png"))

    # --- the graph form renders in the Graph tab, in kgbuild's colours and captions
    graph_form = (Path(__file__).parents[1] / "cypher" / "browser" / "claims-around.cypher").read_text()
    _editor_run(page, graph_form)
    frame = page.locator("[data-testid=frame]").first  # the newest frame is on top
    frame.locator("[data-testid=frame-loaded-contents]").wait_for(timeout=60_000)
    frame.locator("[data-testid=cypherFrameSidebarVisualization]").click()  # Browser keeps the last view
    frame.locator("svg.neod3viz g.node").first.wait_for(timeout=60_000)
    nodes = frame.locator("svg.neod3viz g.node")
    assert nodes.count() >= 10
    fills = set(frame.locator("svg.neod3viz g.node circle.b-outline").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"))
    assert "#4C8EDA" in {f.upper() for f in fills if f}, f"Method nodes not in the kgbuild blue: {fills}"
    texts = "els => els.map(e => e.textContent || '')"  # SVG text has no innerText
    captions = " ".join(frame.locator("svg.neod3viz g.node text").evaluate_all(texts))
    assert "fine-tuning" in captions
    rel_captions = " ".join(frame.locator("svg.neod3viz g.relationship text").evaluate_all(texts))
    assert "outperforms" in rel_captions, rel_captions[:300]
    assert "<type>" not in rel_captions
    fullscreen = frame.locator("button[title='Fullscreen']")
    if fullscreen.count():
        fullscreen.first.click()  # a bigger picture
    page.wait_for_timeout(2500)
    fit = page.locator("[aria-label='zoom-to-fit']")
    if fit.count():
        fit.first.click()
    page.wait_for_timeout(1000)  # let the force layout settle before the picture
    page.screenshot(path=str(ARTIFACTS / "browser-claims-graph.png"))
