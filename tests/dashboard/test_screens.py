"""What the screens show, whatever the browser: compact amounts on cards, table numbers in
French with their numeric sort kept (the browser test checks the pages themselves)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import charts, fmt, widgets


def test_a_card_amount_is_compact_beyond_ten_thousand_euros():
    assert fmt.compact_euros(9_500) == "9\u202f500\u00a0€"
    assert fmt.compact_euros(318_100) == "318\u00a0k€"
    assert fmt.compact_euros(18_500) == "18,5\u00a0k€"  # (« 18 k€ »: rounded half to even)
    assert fmt.compact_euros(30_080) == "30,1\u00a0k€" and fmt.compact_euros(85_000) == "85\u00a0k€"
    assert fmt.compact_euros(1_234_567) == "1,2\u00a0M€"
    assert fmt.compact_euros(None) == "–"


def test_a_figure_is_written_the_same_on_screen_and_in_the_bilan():
    """One French writing of numbers (pipelines/french.py): the screens wrote « -0 » for a
    small negative difference rounded away, where the bilan wrote « 0 »."""
    from pipelines import french

    for value, decimals in ((-0.3, 0), (-0.04, 1), (1234.5, 1), (-1234, 0), (0.0, 0)):
        assert fmt.number(value, decimals) == french.number(value, decimals)
    assert fmt.number(-0.3) == "0" and fmt.percent(-0.0004) == "0,0\u00a0%"
    # a change is written once, with the bilan's true minus and one decimal of percent; a
    # card's arrow and colour say its direction (Streamlit reads a fall from « - » only)
    assert french.change(-54, -0.375) == "−54 (−37,5\u00a0%)"
    assert french.change(78, 1.182) == "+78 (+118,2\u00a0%)" and french.change(0, 0.0) == \
        "0 (0,0\u00a0%)"
    assert french.points(-3.21) == "−3,2\u00a0pt" and french.points(0.04) == "0,0\u00a0pt"
    assert fmt.delta(-54, french.change(-54, -0.375)) == {
        "delta": "−54 (−37,5\u00a0%)", "delta_color": "red", "delta_arrow": "down"}
    assert fmt.delta(-23, "−23", provisional=True) == {
        "delta": "−23 (provisoire)", "delta_color": "off", "delta_arrow": "down"}
    assert fmt.delta(0, "0")["delta_arrow"] == "off" and fmt.delta(None, None) == {"delta": None}
    assert fmt.euros(-0.4) == "0\u00a0€" and fmt.date(None) == french.date(None) == "–"


def test_table_numbers_show_in_french_and_stay_numbers():
    frame = pd.DataFrame({"Campagne": ["A", "B"], "Budget (€)": [9500.0, 318100.0],
                          "Part": [0.125, None], "Crédits": [1234.5, 2.0], "Foyers": [3, 1200]})
    config = {"Budget (€)": st.column_config.NumberColumn(format="euro"),
              "Part": st.column_config.NumberColumn(format="percent")}
    styled = widgets._french_numbers(frame, config)
    shown = styled.to_html()
    for text in ("9\u202f500\u00a0€", "318\u202f100\u00a0€", "12,5\u00a0%", "1\u202f234,5", "2,0",
                 "1\u202f200", "–"):
        assert text in shown, text
    # the numbers themselves are untouched (they sort as numbers); the browser's locale format
    # is dropped from the column settings
    assert styled.data["Budget (€)"].tolist() == [9500.0, 318100.0]
    assert config["Budget (€)"]["type_config"]["format"] is None


def test_a_very_large_table_shows_its_first_rows_and_downloads_them_all():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from dashboard import widgets
        frame = pd.DataFrame({"Foyer": [f"F{i}" for i in range(60_000)],
                              "Jours": range(60_000), "Taux": [0.5] * 60_000})
        widgets.table(frame, "grand.csv")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == widgets.MAX_ROWS_SHOWN == 1_000
    assert "1\u202f000 premières lignes sur 60\u202f000" in at.caption[-1].value


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    import math

    (lon1, lat1), (lon2, lat2) = (map(math.radians, a), map(math.radians, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_commune_labels_never_crowd_around_cahors():
    """Every commune of the Lot with installed households, the most around Cahors: the map
    names the largest first and drops a label that would touch one already written, so no
    two labels shown are closer than 12 km (about 27 px where the Lot is drawn 220 px wide,
    two lines of 12 px text); the hover and the table keep every figure."""
    from dashboard import charts, masking

    features = charts.geojson("communes-46")["features"]
    centres = {f["properties"]["code"]: charts._label_point(f["geometry"]) for f in features}
    cahors = centres["46042"]
    communes = pd.DataFrame({
        "commune_code": [f["properties"]["code"] for f in features],
        "commune_name": [f["properties"]["nom"] for f in features],
        "epci_short_name": [f["properties"]["epci_court"] for f in features],
        "households": [max(3, 60 - round(_distance_km(centres[f["properties"]["code"]], cahors)))
                       for f in features],
    }).sort_values("households", ascending=False, kind="stable")
    figure = charts.communes_map(masking.with_classes(communes), masking.COUNT_CLASS_LABELS)
    labels = [(lon, lat, text) for trace in figure.data if trace.type == "scattergeo"
              for lon, lat, text in zip(trace.lon, trace.lat, trace.text, strict=True)]
    assert 5 <= len(labels) < len(communes)
    assert any(text.startswith("Cahors<br>") for _, _, text in labels)
    scale = charts._px_per_degree(charts.geojson("communes-46"))
    for i, (lon, lat, text) in enumerate(labels):
        for lon2, lat2, text2 in labels[i + 1:]:
            assert _distance_km((lon, lat), (lon2, lat2)) >= 12, (text, text2)
            a = charts.label_box((lon, lat), text, scale)
            b = charts.label_box((lon2, lat2), text2, scale)
            assert (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]), (text, text2)
    hover = figure.data[0].text
    assert len(hover) == len(communes)  # every commune keeps its figure in the hover


def test_maps_name_their_geometry_served_here_instead_of_embedding_it():
    """A map names its geometry by a URL of this server (Streamlit's static serving of
    dashboard/static/): 0.8 MB of geometry is not serialised into every run of the page, and
    the file it names is there (the browser test checks that the places are drawn)."""
    from pathlib import Path

    from dashboard import charts

    communes = pd.DataFrame({"commune_code": ["46042", "46102"], "commune_name": ["A", "B"],
                             "epci_short_name": ["X", "X"], "count_class": [3, 0],
                             "shown": ["5 à 9", "0"]})
    fig = charts.communes_map(communes, ["aucun", "1 à 2", "3 à 4", "5 à 9"])
    url = fig.data[0].geojson
    assert url == "app/static/geo/communes-46.geojson"
    served = Path(charts.__file__).parent / "static" / url.removeprefix("app/static/")
    assert served.is_file()
    assert len(fig.to_json()) < 20_000


def _cohorts(quarters: int) -> pd.DataFrame:
    import datetime as dt
    starts = [dt.date(2020 + i // 4, 3 * (i % 4) + 1, 1) for i in range(quarters)]
    return pd.DataFrame({
        "quarter": starts, "is_complete": [i < quarters - 1 for i in range(quarters)],
        "installed_rate": [{"value": 0.25, "part": 1, "whole": 4, "base": "followed"}] * quarters,
    })


def test_quarters_beyond_two_years_name_only_each_year_under_its_first_quarter():
    """« T1 2020T2 2020… »: 22 quarters' names ran into one another on a projector. Past eight
    quarters, the axis names each year once (under its T1), every quarter keeping its tick."""
    from dashboard import charts
    axis = charts.quarterly_install_rate(_cohorts(22)).layout.xaxis
    assert len(axis.tickvals) == 22
    assert [t for t in axis.ticktext if t] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert axis.title.text == "trimestre de premier contact"
    axis = charts.quarterly_install_rate(_cohorts(8)).layout.xaxis
    assert list(axis.ticktext) == list(axis.tickvals) == [
        f"T{q} {y}" for y in (2020, 2021) for q in (1, 2, 3, 4)]


def test_origins_beyond_metropolitan_france_are_under_the_map_not_beside_it():
    """Beside the map, on a phone, « Outre-mer » and « Étranger » ran onto it and the map was a
    third of the width: their bars are under it, past its colour scale, the map full width."""
    from dashboard import charts
    origins = pd.DataFrame({
        "code": ["75", "46", "971", "99"], "name": ["Paris", "Lot", "Guadeloupe", "Étranger"],
        "zone": ["metropole", "metropole", "outre-mer", "etranger"],
        "followed": [40, 10, 1, 16],
        "followed_share": [{"value": v, "part": 0, "whole": 0, "base": "followed"}
                           for v in (0.5, 0.1, 0.01, 0.2)],
    })
    layout = charts.origins_map(origins, "followed").layout
    assert tuple(layout.geo.domain.x) == (0, 1)
    scale = charts.origins_map(origins, "followed").data[0].colorbar
    bars_top = layout.yaxis.domain[1]
    assert bars_top < scale.y - 0.05 < scale.y <= layout.geo.domain.y[0]


def test_a_table_taller_than_its_frame_says_that_it_scrolls():
    """The grid scrolls inside itself without a sign of it: 7 of 17 campaigns looked like all
    of them on a projector. A table with rows out of its frame says how many it has."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from dashboard import widgets
        widgets.table(pd.DataFrame({"Campagne": [f"C{i}" for i in range(17)]}), "a.csv",
                      height=38 + 66 * 7, row_height=66)
        widgets.table(pd.DataFrame({"Campagne": [f"C{i}" for i in range(7)]}), "b.csv",
                      height=38 + 66 * 7, row_height=66)
        widgets.table(pd.DataFrame({"Commune": [f"C{i}" for i in range(12)]}), "c.csv",
                      height=380)
        # (automatic height: ten rows, then the grid scrolls)
        widgets.table(pd.DataFrame({"Foyer": [f"F{i}" for i in range(22)]}), "d.csv")
        widgets.table(pd.DataFrame({"Foyer": [f"F{i}" for i in range(10)]}), "e.csv")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [c.value for c in at.caption] == [
        "17 lignes : faites défiler le tableau pour les voir toutes.",
        "12 lignes : faites défiler le tableau pour les voir toutes.",
        "22 lignes : faites défiler le tableau pour les voir toutes."]


def test_share_axes_write_percentages_as_the_pages_do():
    from dashboard import charts
    axis = charts.quarterly_install_rate(_cohorts(8)).layout.yaxis
    assert axis.ticktext[:3] == ("0\u00a0%", "10\u00a0%", "20\u00a0%")
    assert list(axis.tickvals) == [0, 0.1, 0.2, 0.3]  # up to 0,25 × 1,3
    assert charts.percent_ticks(0.9)["ticktext"][-1] == "80\u00a0%"


def test_charts_write_months_and_days_in_lower_case_as_french_does():
    """« Janv. 2020 », « Août 2023 : 16 foyers » on the axes and hovers: French writes them
    « janv. 2020 », « août 2023 »."""
    from dashboard import charts

    dictionary = charts.PLOTLY_CONFIG["locales"]["fr"]["format"]
    for key in ("months", "shortMonths", "days", "shortDays"):
        assert all(name == name.lower() for name in dictionary[key]), key
    assert dictionary["shortMonths"][0] == "janv." and dictionary["months"][7] == "août"


def test_every_hover_s_count_agrees_with_its_noun(demo_build):
    """« juillet 2021 : 1 foyers », « février 2020 : 1 nouveaux foyers »: a hover's count is
    written with its noun, singular for 0 and 1, never a bare « %{y} foyers »."""
    import duckdb

    from dashboard import charts, queries
    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        trend = metrics.ask(con, "monthly")
        calendar = metrics.ask(con, "campaign_calendar")
    refs = queries.Reference(lookback_days=365, half_life_days=30.0, channel_labels={},
                             channel_colours={}, stage_labels={},
                             current_stage_labels={}, stage_colours={}, models={},
                             model_colours={}, type_colours={})
    figures = [charts.monthly_trend(trend), charts.campaign_timeline(calendar, trend, refs)]
    singular = 0
    for fig in figures:
        for trace in fig.data:
            template = trace.hovertemplate or ""
            assert not re.search(r"%\{[xy][^}]*\} (foyers|nouveaux|ambassadeurs|jours)",
                                 template), template
            if trace.customdata is not None and "%{customdata}" in template:
                for n, text in zip(trace.y, trace.customdata, strict=False):
                    if isinstance(text, str) and n == 1:
                        singular += 1
                        assert text.startswith("1 ") and not text.split()[1].endswith("s")
    assert singular  # (the demo has months of one household)


def test_a_table_says_it_scrolls_sideways_only_when_it_is_wider_than_a_phone(demo_build,
                                                                            monkeypatch):
    """« ↔ 4 colonnes : faites glisser » stood over Entonnoir's « Taux par canal », whose four
    short columns fit a phone: the line is for tables wider than a phone's grid, by their set
    widths or their text (the browser test checks every wider one has it)."""
    from tests.conftest import open_app

    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = open_app()
    at.switch_page("app_pages/sources.py").run()
    hints = [c.value for c in at.caption if "faites glisser le tableau" in c.value]
    assert not any(h.startswith("↔ 4 colonnes") for h in hints), hints
    at.switch_page("app_pages/campaigns.py").run()
    assert any(c.value.startswith("↔ 5 colonnes") for c in at.caption)


def test_a_table_wider_than_a_phone_keeps_its_row_names_in_view(demo_build, monkeypatch):
    """On a phone, Campagnes' table slid « Coût par installation » into view without the
    campaign it was of: on a phone, a table wider than its grid pins its first column (its
    name column) to the left edge, no wider than the grid lets a pinned column stay; a table
    that fits pins nothing, and neither does a computer (a pinned column is drawn faded)."""
    import json

    from tests.conftest import open_app

    def campaigns_table():
        at = open_app()
        at.switch_page("app_pages/campaigns.py").run()
        return at.dataframe[0]

    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    assert not json.loads(campaigns_table().proto.columns)["Campagne"].get("pinned")
    monkeypatch.setattr(widgets, "on_phone", lambda: True)
    name = json.loads(campaigns_table().proto.columns)["Campagne"]
    assert name["pinned"] and name["width"] <= widgets.PINNED_MAX_PX

    def pinned(table) -> list[str]:
        columns = json.loads(table.proto.columns or "{}")
        return [name for name, settings in columns.items() if settings.get("pinned")]

    at = open_app()
    at.switch_page("app_pages/campaigns.py").run()
    table = at.dataframe[0]
    assert pinned(table) == [list(table.proto.column_order)[0]] == ["Campagne"]
    at.switch_page("app_pages/sources.py").run()
    hints = [c for c in at.caption if "faites glisser le tableau" in c.value]
    assert 0 < len([t for t in at.dataframe if pinned(t)]) == len(hints) < len(at.dataframe)


def test_a_table_rounds_a_figure_as_the_bilan_writes_it():
    """WEB-CHOISIRLELOT's 16.85 credits over 2023 were 16,8 on the Campagnes table and in its
    downloads (pandas' round), 16,9 in the bilan and `kpis`. A figure is rounded as it is
    written, half away from zero, as a reader rounds it by hand: a household's credit of 0.25
    read « 0,2 » (half to even) beside its budget share of 0.25 × 477 €, 0.75 read « 0,8 »."""
    from dashboard import tables
    from pipelines import french

    values = pd.Series([16.85, 22.15, 0.05, 2.675, None, 1234.45, 0.25, 0.75, -0.25])
    rounded = tables.as_written(values, 1)
    assert rounded.tolist()[:2] == [16.9, 22.2] and pd.isna(rounded[4])
    assert rounded.tolist()[6:] == [0.3, 0.8, -0.3]
    for value, shown in zip(values.dropna(), rounded.dropna(), strict=True):
        assert fmt.number(shown, 1) == french.number(value, 1)
    assert tables.as_written(values, 2)[3] == 2.68  # (as written, not 2.67499… in binary)
    assert [french.number(v, 1) for v in (0.25, 0.75, 1234.45)] == ["0,3", "0,8", "1\u202f234,5"]
    assert (french.signed(-2.5), french.signed(0.5), french.signed(-0.04, 1)) == ("−3", "+1", "0,0")
    assert french.number(float("inf")) == "–"
    # (a word agrees with the figure as shown: 1,96 credits shown « 2,0 » are « 2,0 foyers »)
    assert [french.agree(french.number(v, 1), v, "foyer") for v in (1.96, 1.94, 0.5)] == [
        "foyers", "foyer", "foyer"]
    assert french.agree("< 5", 3, "foyer") == "foyers"
    assert french.agree("–", None, "foyer") == "foyers"


def test_on_a_phone_a_name_wider_than_its_pinned_column_wraps(demo_build, monkeypatch):
    """« contacts_campagnes_salons.xlsx » lost its end in Qualité's pinned « Fichier » column
    on a phone: rows as tall as Streamlit needs to wrap it."""
    import json

    from tests.conftest import open_app

    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    monkeypatch.setattr(widgets, "on_phone", lambda: True)
    at = open_app()
    at.switch_page("app_pages/quality.py").run()
    files = next(t for t in at.dataframe if "Fichier" in json.loads(t.proto.columns or "{}")
                 and "Lues" in t.value.columns)
    assert json.loads(files.proto.columns)["Fichier"]["width"] == widgets.PINNED_MAX_PX
    assert files.proto.row_height >= widgets.WRAPPING_ROW_HEIGHT


def test_a_month_s_chart_ticks_each_month_once_and_whole_households():
    """A second helper's finding: one day's monthly chart read « mai 2024, mai 2024, juin
    2024, juin 2024 » under its one bar and « 0,2 foyer » on its axis."""
    trend = pd.DataFrame({"month": pd.to_datetime(["2024-06-01", "2024-06-01"]),
                          "measure": ["followed", "installed"], "households": [1, 0]})
    layout = charts.monthly_trend(trend).layout
    assert layout.xaxis.dtick == "M1"
    assert (layout.yaxis.tick0, layout.yaxis.dtick) == (0, 1)


def test_a_month_stamped_file_name_is_whole_in_the_quality_page_s_files(demo_build, tmp_path,
                                                                       monkeypatch):
    """A helper's monthly cycle: « contacts_campagnes_web_2025-01.c » cut in Qualité's files
    table at 1280 px while the counts beside it had room to spare: the name column takes the
    longest name's width (215 px held « contacts_campagnes_2023-02.csv » alone)."""
    import json
    import shutil

    from tests.conftest import open_app, run_cli

    raw = tmp_path / "raw"
    shutil.copytree(demo_build["raw"], raw)
    name = "contacts_campagnes_web_2025-01.csv"
    (raw / name).write_text("\n".join(
        (raw / "contacts_campagnes_web.csv").read_text("utf-8").splitlines()[:20]) + "\n",
        "utf-8")
    # (and one far longer: the column stops where « Contrôle » would leave a projector's page)
    (raw / "contacts_campagnes_web_2025-01_relance_mai_envoi2.csv").write_bytes(
        (raw / name).read_bytes())
    assert run_cli("build", "--raw", str(raw), "--curated", str(tmp_path / "cur")).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(tmp_path / "cur"))
    at = open_app()
    at.switch_page("app_pages/quality.py").run()
    files = next(t for t in at.dataframe if "Fichier" in json.loads(t.proto.columns or "{}")
                 and "Lues" in t.value.columns)
    assert name in set(files.value["Fichier"])
    width = json.loads(files.proto.columns)["Fichier"]["width"]
    assert 7.2 * len(name) + 16 <= width <= 280
