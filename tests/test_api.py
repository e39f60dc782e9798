"""The notebook-facing API: ``kgbuild.query`` is a function even after its module is imported."""
from __future__ import annotations

import importlib

import kgbuild


def test_regression_kgbuild_query_is_shadowed_by_its_module():
    importlib.import_module("kgbuild.query")
    importlib.import_module("kgbuild.pipeline")
    assert callable(kgbuild.query)
    assert callable(kgbuild.build)
    assert kgbuild.query.__doc__ and "DataFrame" in kgbuild.query.__doc__
