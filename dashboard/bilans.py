"""The bilans' download buttons: the very PDF of `python -m pipelines report` (the same
function, pipelines/report), made when the button is clicked."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import streamlit as st

from dashboard import queries
from pipelines import report
from pipelines.metrics import Filters

PDF = "application/pdf"


def _connection(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    """A connection of its own: the file is made on another thread than the page's."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    con.execute("attach ? as cur (read_only)", [version[0]])
    con.execute("use cur")
    return con


def programme_pdf(version: tuple[str, int, int], date_from: dt.date | None,
                  date_to: dt.date | None) -> bytes:
    with _connection(version) as con:
        return report.programme_bilan(con, Filters(date_from, date_to))


def campaign_pdf(version: tuple[str, int, int], codes: tuple[str, ...]) -> bytes:
    with _connection(version) as con:
        return report.campaign_bilan(con, codes)


# The pages count exactly, for the team; the bilans are what the committee and the press read.
# (the secret protects each bilan against its own figures: twelve monthly bilans summed
# against the year's, or two months' objectives since January, gave masked counts back)
_SECRET = ("Les pages donnent les chiffres exacts, pour l'équipe et le réseau (Territoire seul "
           "masque les plus petits, par commune) ; le bilan, fait pour le comité et la presse, "
           "masque les effectifs de moins de {threshold} : en réunion publique, projetez le "
           "bilan. Ne rendez publics que des bilans de périodes qui ne se recoupent pas (le "
           "bilan annuel seul, par exemple) : rapprochés, des bilans de périodes emboîtées "
           "laissent retrouver des effectifs masqués.")


def programme_button(version: tuple[str, int, int], filters: Filters) -> None:
    start = filters.date_from.isoformat() if filters.date_from else "debut"
    end = filters.date_to.isoformat() if filters.date_to else "fin"
    st.download_button(
        "Bilan du comité (PDF)", lambda: programme_pdf(version, filters.date_from,
                                                       filters.date_to),
        file_name=f"bilan_{start}_{end}.pdf", mime=PDF, on_click="ignore",
        icon=":material/picture_as_pdf:",
        help="Le bilan du programme pour la période choisie à gauche (les filtres de canaux et "
             "de campagnes ne s'y appliquent pas), prêt à envoyer : petits effectifs masqués.")
    # (said under the button, not only in its hover, which a phone or a projector never
    # shows: the PDF's figures differed from the cards above without a word, and its « < 5 »
    # was read off the page's exact counts)
    st.caption(("Le bilan porte sur la période choisie, tous canaux et campagnes confondus. "
                if filters.channels or filters.campaigns else "") + _SECRET.format(
                    threshold=_threshold(version)))


def _threshold(version: tuple[str, int, int]) -> int:
    return int(queries.ask_one(version, "report_settings")["small_count"])


def campaign_button(version: tuple[str, int, int], code: str) -> None:
    st.download_button(
        "Bilan de la campagne (PDF)", lambda: campaign_pdf(version, (code,)),
        file_name=f"bilan_campagne_{re.sub(r'[^A-Za-z0-9_-]+', '_', code)}.pdf", mime=PDF,
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        help="Le bilan de cette campagne sur toute sa durée, prêt à envoyer : petits effectifs "
             "masqués.")
    st.caption("Le bilan porte sur toute la durée de la campagne, sans les filtres de la page : "
               "ses chiffres peuvent différer de ceux affichés ici. "
               + _SECRET.format(threshold=_threshold(version)))
