"""The notebook-facing API: ``kgbuild.query`` is a function even after its module is imported."""
from __future__ import annotations

import importlib

import kgbuild


def test_regression_kgbuild_query_is_shadowed_by_its_module():
    importlib.import_module("kgbuild.query")
    importlib.import_module("kgbuild.pipeline")
    assert callable(kgbuild.query)
    assert callable(kgbuild.build)
    assert kgbuild.query.__call__.__doc__ and "DataFrame" in kgbuild.query.__call__.__doc__


def test_regression_kgbuild_query_is_the_module_and_callable():
    """``import kgbuild.query as q`` used to give the function (no ``load_query``)."""
    import kgbuild.query as q

    assert q is kgbuild.query
    assert callable(q.load_query) and callable(q.run_query)


def test_regression_query_entity_name_param_is_not_a_type_error(embedded_store):
    """``kgbuild.query('entity', name='LoRA')`` raised TypeError (``name`` clashed)."""
    df = kgbuild.query("entity", store=embedded_store, name="LoRA")
    assert df.empty and "name" in df.columns
