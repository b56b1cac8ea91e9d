"""Attribution (shared/spec/exports.md, « Attribution »), on tests/fixtures/attribution.

Expected credits are computed by hand from the fixture (time decay: 2^(-d/30) normalised):
- H1: one touch A -> A gets 1 under every model.
- H2: followed 10/06/2023 with A (d=40) then B on the conversion day (d=0, counted);
  installed 01/09/2023 with A (d=123), B (d=83), C (d=31); D after the installation: ignored.
- H3: five touches A, B, C, A, E (d = 28, 19, 9, 4, 0).
- H4: its only touch is 516 days before: outside the window -> its own campaign D.
- H5: one touch exactly 365 days before: counted -> B.
- H6: no touch, unknown own campaign ZZZ -> unattributed.
- H7: two touches with the same timestamp: ordered by ID, T-a (A) before T-b (C).
- P8/P9: same email, merged into P8; touches under P9's ID (B, d=11) and by email (C, d=6).
"""

from __future__ import annotations

import shutil

import pytest

from pipelines import build as build_module
from pipelines import config
from tests.conftest import ROOT, kpis, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "attribution"

FOLLOWED = {
    "first_touch": {"A": 4, "B": 2, "D": 1, "unattributed": 1},
    "last_touch": {"A": 1, "B": 2, "C": 2, "D": 1, "E": 1, "unattributed": 1},
    "linear": {"A": 2.4, "B": 2.2, "C": 1.2, "D": 1, "E": 0.2, "unattributed": 1},
    "time_decay": {"A": 2.152875, "B": 2.352678, "C": 1.237531, "D": 1, "E": 0.256917,
                   "unattributed": 1},
    "position_based": {"A": 2.466667, "B": 2.066667, "C": 1.066667, "D": 1, "E": 0.4,
                       "unattributed": 1},
}
INSTALLED = {
    "first_touch": {"A": 1},
    "last_touch": {"C": 1},
    "linear": {"A": 0.333333, "B": 0.333333, "C": 0.333333},
    "time_decay": {"A": 0.084046, "B": 0.211784, "C": 0.70417},
    "position_based": {"A": 0.4, "B": 0.2, "C": 0.4},
}


@pytest.fixture(scope="module")
def attribution_build(tmp_path_factory):
    curated = tmp_path_factory.mktemp("attribution")
    result = run_cli("build", "--raw", str(FIXTURE), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return curated


def _credits(figures: dict, conversion: str) -> dict:
    return {
        model: {code: c[conversion] for code, c in campaigns.items() if c[conversion]}
        for model, campaigns in figures["attribution"].items()
    }


def test_each_model_credits_campaigns_to_the_sixth_decimal(attribution_build):
    figures = kpis(attribution_build)
    assert figures["followed"] == 8 and figures["installed"] == 1
    for conversion, expected in (("followed", FOLLOWED), ("installed", INSTALLED)):
        got = _credits(figures, conversion)
        assert list(got) == list(expected)
        for model, campaigns in expected.items():
            assert got[model] == pytest.approx(campaigns, abs=1e-6), (conversion, model)


def test_every_model_hands_out_one_credit_per_conversion(attribution_build):
    figures = kpis(attribution_build)
    assert list(figures["attribution"]) == list(FOLLOWED)
    for campaigns in figures["attribution"].values():
        assert sum(c["followed"] for c in campaigns.values()) == pytest.approx(8, abs=1e-5)
        assert sum(c["installed"] for c in campaigns.values()) == pytest.approx(1, abs=1e-5)


def test_a_campaign_appears_only_where_it_has_credit(attribution_build):
    figures = kpis(attribution_build)
    assert "C" not in figures["attribution"]["first_touch"]
    assert "E" not in figures["attribution"]["first_touch"]


def test_attribution_follows_the_period_cohorts(attribution_build):
    # From 01/05/2023: H1, H2, H4, H5, H6 and P8 (H3 and H7 came earlier).
    figures = kpis(attribution_build, "--from", "2023-05-01")
    assert figures["followed"] == 6
    assert _credits(figures, "followed")["first_touch"] == {
        "A": 2, "B": 2, "D": 1, "unattributed": 1}
    assert _credits(figures, "installed")["last_touch"] == {"C": 1}


def test_merged_household_touches_under_both_ids_and_by_email_count(attribution_build):
    figures = kpis(attribution_build, "--from", "2023-05-01", "--to", "2023-05-01")
    assert figures["followed"] == 1  # P8 (P9 is merged into it)
    assert _credits(figures, "followed")["time_decay"] == pytest.approx(
        {"B": 0.471151, "C": 0.528849}, abs=1e-6)


def test_broken_attribution_mart_refuses_to_publish(attribution_build, tmp_path, monkeypatch):
    sql = tmp_path / "sql"
    shutil.copytree(config.SQL_DIR, sql)
    mart = sql / "marts" / "attribution_credits.sql"
    mart.write_text(mart.read_text().replace("then 1.0 / n", "then 1.0 / (n + 1)"))
    monkeypatch.setattr(config, "SQL_DIR", sql)
    database = attribution_build / "lot.duckdb"
    before = database.read_bytes()
    with pytest.raises(build_module.CheckFailed, match="attribution_credits_sum_to_one"):
        build_module.build(FIXTURE, attribution_build, progress=lambda _: None)
    assert database.read_bytes() == before
