"""Beyond one machine (issue 12): every SQL model, check, metric and macro body transpiles to
Spark SQL with sqlglot (errors on anything unsupported), and no Python function is registered
in DuckDB — the same models could run on an existing engine for a national network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot

from tests.conftest import ROOT

PIPELINES = ROOT / "pipelines"
SQL_FILES = sorted([*PIPELINES.glob("sql/*/*.sql"), *PIPELINES.glob("checks/*.sql")])
MACRO = re.compile(r"create or replace macro (\w+)\([^)]*\) as\s+(.*?);\s*\n", re.S)


def _spark(sql: str) -> list[str]:
    return sqlglot.transpile(sql, read="duckdb", write="spark",
                             unsupported_level=sqlglot.ErrorLevel.RAISE)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_model_check_and_metric_transpiles_to_spark(path: Path):
    assert _spark(path.read_text(encoding="utf-8"))


def test_every_macro_body_transpiles_to_spark():
    macros = MACRO.findall((PIPELINES / "sql" / "macros.sql").read_text(encoding="utf-8"))
    assert len(macros) >= 10
    for name, body in macros:
        assert _spark(body), name


def test_no_python_function_is_registered_in_duckdb():
    for path in PIPELINES.rglob("*.py"):
        assert "create_function" not in path.read_text(encoding="utf-8"), path
