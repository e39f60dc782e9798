"""kgbuild: rule-based knowledge graphs from ML paper abstracts."""
from __future__ import annotations

__version__ = "0.1.0"
