"""The click group class every kgbuild command group uses: library errors become one message."""
from __future__ import annotations

import click

from ..errors import KgbuildError


class KgbuildGroup(click.Group):
    """Translate a ``KgbuildError`` once, here, into ``Error: …`` plus a hint and exit 1 (no traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgbuildError as exc:
            msg = exc.message + (f"\n  hint: {exc.hint}" if exc.hint else "")
            raise click.ClickException(msg) from None
