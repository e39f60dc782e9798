"""One error hierarchy for every stage.

Stages raise; only the CLI decides how to report (one clear message, non-zero exit).
"""
from __future__ import annotations


class KgbuildError(Exception):
    """Root of every error kgbuild raises on purpose.

    ``hint`` is an optional next step shown to the user ("Try: kgbuild neo4j start").
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(KgbuildError):
    """Bad settings or conflicting options."""


class ReadError(KgbuildError):
    """An input file cannot be read at all (missing, unknown format).

    A single bad *record* is not an error: it becomes a ``Reject``.
    """


class ExtractError(KgbuildError):
    """The NLP pipeline could not be built or run (missing data file, bad pattern)."""


class ResolveError(KgbuildError):
    """Bad resolution overrides file or inconsistent resolution input."""


class StoreError(KgbuildError):
    """A graph store failed. ``transient`` says whether retrying may help."""

    def __init__(self, message: str, *, hint: str | None = None, transient: bool = False):
        super().__init__(message, hint=hint)
        self.transient = transient


class StoreUnavailable(StoreError):
    """The store cannot be reached or refused our credentials."""


class QueryError(KgbuildError):
    """Unknown query name, missing or malformed parameter."""


class ServerError(KgbuildError):
    """The local Neo4j launcher could not start, stop or inspect the server."""
