"""The Browser style, guide and server settings, checked without a browser (tests/test_browser.py
drives the real thing)."""
from __future__ import annotations

import re
from pathlib import Path

from kgbuild import browser
from kgbuild.query import list_queries
from kgbuild.rows import NODE_LABELS, PROPERTY_NAMES, REL_SCHEMA

ROOT = Path(__file__).parents[1]


def _grass_rules(text: str) -> dict[str, dict[str, str]]:
    """Parse GraSS the way Neo4j Browser 5 does: selector { key: value; ... } with no comments."""
    rules = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text.replace('"{', '"\x00').replace('}"', '\x01"')):
        props = {}
        for decl in body.split(";"):
            if not decl.strip():
                continue
            parts = decl.split(":")
            assert len(parts) == 2, f"Browser drops a declaration with more or fewer than one ':' -> {decl!r}"
            props[parts[0].strip()] = parts[1].strip().strip('"').replace("\x00", "{").replace("\x01", "}")
        rules[selector.strip()] = props
    return rules


def test_style_covers_the_graph_model():
    text = browser.style_path().read_text()
    assert "/*" not in text and "//" not in text, "Browser's GraSS parser has no comments"
    rules = _grass_rules(text)
    for label in NODE_LABELS:
        rule = rules[f"node.{label}"]
        assert rule["color"].startswith("#"), label
        captions = re.findall(r"\{(\w+)\}", rule["caption"])
        assert captions and set(captions) <= PROPERTY_NAMES, (label, rule["caption"])
    assert rules["node.Paper"]["caption"] == "{short_title}"
    assert rules["node.Result"]["caption"] == "{display}"
    claim_colours = {rules[f"relationship.{t}"]["color"] for t in ("OUTPERFORMS", "COMPARABLE_TO", "UNDERPERFORMS")}
    assert len(claim_colours) == 3, "each claim relation needs its own colour"
    assert all(rules[f"relationship.{t}"]["caption"] == "{display}"
               for t in ("OUTPERFORMS", "COMPARABLE_TO", "UNDERPERFORMS"))
    assert rules["relationship.MENTIONS"]["shaft-width"] == "1px"
    for selector in rules:
        if selector.startswith("relationship."):
            assert selector.split(".", 1)[1] in REL_SCHEMA, selector
    colours = [rules[f"node.{label}"]["color"] for label in NODE_LABELS]
    assert len(set(colours)) == len(colours), "one fixed colour per label"


def test_committed_guide_is_current():
    """cypher/browser/guide.html is generated from the catalogue: rerun `make browser-guide`."""
    assert browser.guide_path().read_text(encoding="utf-8") == browser.render_guide()


def test_guide_has_one_click_per_catalogue_question():
    guide = browser.render_guide()
    runnable = re.findall(r'<pre class="pre-scrollable code runnable">', guide)
    in_guide = {n for _, _, names in browser.SLIDES for n in names}
    assert in_guide == {s.name for s in list_queries() + list_queries("browser")}
    assert len(runnable) == len(in_guide)
    assert guide.count("<slide") == len(browser.SLIDES) + 1
    assert "&lt;" not in guide or "<pre" in guide  # query text is escaped, not markup


def test_post_connect_cmd_and_server_settings():
    cmd = browser.post_connect_cmd("http://localhost:7474")
    assert cmd == ("style http://localhost:7474/kgbuild/kgbuild.grass; "
                   "play http://localhost:7474/kgbuild/guide.html")
    conf = (ROOT / "neo4j-local" / "neo4j.conf.template").read_text()
    assert "browser.post_connect_cmd=$post_connect_cmd" in conf
    assert f"server.unmanaged_extension_classes=kgbuild.neo4jlocal.browser={browser.MOUNT}" in conf
    assert f"{browser.MOUNT}/.*" in re.search(r"dbms.security.http_auth_allowlist=(.*)", conf).group(1)
    assert "client.allow_telemetry=false" in conf  # no usage-collection banner


def test_extension_serves_every_browser_file():
    java = (ROOT / "neo4j-local" / "src" / "main" / "java" / "kgbuild" / "neo4jlocal" / "browser"
            / "BrowserFiles.java").read_text()
    pattern = re.search(r'Pattern.compile\("(.*)"\)', java).group(1).replace("\\\\", "\\")
    for path in browser.browser_dir().iterdir():
        assert re.fullmatch(pattern, path.name), path.name
    assert "Access-Control-Allow-Origin" in java
    for bad in ("../schema.cypher", "sub/x.html", ".hidden.html", "x.py"):
        assert not re.fullmatch(pattern, bad)


def test_style_command_is_one_paste():
    from click.testing import CliRunner

    from kgbuild.cli import cli

    out = CliRunner().invoke(cli, ["browser", "style"]).stdout
    assert out.startswith(":style node {") and out == browser.style_command()
    assert _grass_rules(out[len(":style "):]) == _grass_rules(browser.style_path().read_text())


def test_serve_answers_with_cors_headers():
    import threading
    import urllib.request

    server = browser.make_server(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/{browser.STYLE_NAME}", timeout=10) as resp:
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
            assert b"node.Method" in resp.read()
        request = urllib.request.Request(f"{base}/{browser.GUIDE_NAME}", method="OPTIONS")
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 204 and "pragma" in resp.headers["Access-Control-Allow-Headers"]
    finally:
        server.shutdown()
        server.server_close()
