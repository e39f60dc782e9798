"""The click group class every kgbuild command group uses: library errors become one message."""
from __future__ import annotations

import click

from ..errors import KgbuildError


class KgbuildGroup(click.Group):
    """Translate a ``KgbuildError`` once, here, into ``Error: …`` plus a hint and exit 1 (no traceback).

    Also lists sub-commands with their whole first sentence (click cuts summaries at 45
    characters, which left "Read, extract, resolve and write the graph (the bundled..."). The
    help formatter wraps long summaries instead.
    """

    SUMMARY_LIMIT = 200

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            rows.append((name, cmd.get_short_help_str(limit=self.SUMMARY_LIMIT)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgbuildError as exc:
            msg = exc.message + (f"\n  hint: {exc.hint}" if exc.hint else "")
            raise click.ClickException(msg) from None
