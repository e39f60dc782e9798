"""``kgbuild browser style|serve``: the kgbuild Browser style and guide for a Neo4j that does not serve them.

``kgbuild neo4j start`` needs neither: its server serves cypher/browser/ and Browser applies the
style and opens the guide on connect. These commands are for Docker (docs/browser.md).
"""
from __future__ import annotations

import click

from .base import KgbuildGroup


@click.group("browser", cls=KgbuildGroup)
def browser_group() -> None:
    """The kgbuild Neo4j Browser style and guide, for a Neo4j other than kgbuild neo4j start.

    \b
    Example:
      kgbuild browser style        # paste the output into Neo4j Browser's editor and run it
      kgbuild browser serve        # then in Browser: :play http://localhost:8765/guide.html
    """


@browser_group.command("style")
def style_cmd() -> None:
    """Print ":style" and the style file, ready to paste into Neo4j Browser.

    \b
    Example:
      kgbuild browser style
    """
    from ..browser import style_command

    click.echo(style_command(), nl=False)


@browser_group.command("serve")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1.")
def serve_cmd(port: int) -> None:
    """Serve the style and guide with CORS headers until Ctrl-C (for a Docker Neo4j).

    \b
    Example:
      kgbuild browser serve --port 8765
      # in Neo4j Browser:
      #   :style http://localhost:8765/kgbuild.grass
      #   :play http://localhost:8765/guide.html
    """
    from ..browser import GUIDE_NAME, STYLE_NAME, make_server

    server = make_server(port)
    base = f"http://localhost:{server.server_address[1]}"
    click.echo(f"Serving cypher/browser/ at {base}/ (Ctrl-C to stop). In Neo4j Browser run:\n"
               f"  :style {base}/{STYLE_NAME}\n  :play {base}/{GUIDE_NAME}", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
