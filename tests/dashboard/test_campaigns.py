"""Page « Campagnes »: its figures equal `kpis --json` (attribution block), its widgets run."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from tests.conftest import ROOT, kpis

APP = str(ROOT / "dashboard" / "app.py")
PAGE = "app_pages/campaigns.py"


@pytest.fixture
def campaigns_page(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_summer_2023_campaign_credits_equal_the_json(campaigns_page, demo_build):
    credits = kpis(demo_build["curated"])["attribution"]
    for model in ("linear", "first_touch", "time_decay"):
        campaigns_page.radio(key="modele").set_value(model).run()
        assert not campaigns_page.exception
        summer = credits[model]["TOUR-ETE-2023"]
        assert _metric(campaigns_page, "Foyers suivis attribués") == fmt.number(
            summer["followed"], 1)
        assert _metric(campaigns_page, "Installations attribuées") == fmt.number(
            summer["installed"], 1)


def test_summer_2023_campaign_shows_its_70_households(campaigns_page):
    shown = [m.value for m in campaigns_page.markdown if "foyers" in m.value]
    assert any(text.startswith("**70 foyers**") for text in shown), shown
    campaigns_page.segmented_control(key="foyers_campagne").set_value(False).run()
    assert not campaigns_page.exception


def test_period_filter_applies_to_credits(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = "2023"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    summer = kpis(demo_build["curated"], "--from", "2023-01-01", "--to", "2023-12-31")[
        "attribution"]["linear"]["TOUR-ETE-2023"]
    assert _metric(at, "Foyers suivis attribués") == fmt.number(summer["followed"], 1)


def test_every_campaign_and_conversion_view_runs(campaigns_page):
    campaigns_page.segmented_control(key="conversion").set_value("followed").run()
    for code in campaigns_page.selectbox(key="campagne_detail").options[:4]:
        campaigns_page.selectbox(key="campagne_detail").set_value(code).run()
        assert not campaigns_page.exception


def test_campaign_metrics_mart_credits_add_up_to_the_funnel(demo_build):
    figures = kpis(demo_build["curated"])
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        for model in ("first_touch", "last_touch", "linear", "time_decay", "position_based"):
            followed, installed = con.execute(
                f"select sum(followed_{model}), sum(installed_{model}) "
                "from marts.campaign_metrics").fetchone()
            assert followed == pytest.approx(figures["followed"])
            assert installed == pytest.approx(figures["installed"])
