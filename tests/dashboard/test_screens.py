"""What the screens show, whatever the browser: compact amounts on cards, table numbers in
French with their numeric sort kept (the browser test checks the pages themselves)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import fmt, widgets


def test_a_card_amount_is_compact_beyond_ten_thousand_euros():
    assert fmt.compact_euros(9_500) == "9\u202f500\u00a0€"
    assert fmt.compact_euros(318_100) == "318\u00a0k€"
    assert fmt.compact_euros(1_234_567) == "1,2\u00a0M€"
    assert fmt.compact_euros(None) == "–"


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
    assert len(at.dataframe[0].value) == 5_000
    assert "5\u202f000 premières lignes sur 60\u202f000" in at.caption[0].value
