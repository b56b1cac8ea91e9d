"""Period presets of the sidebar and what each selects (first contact, both ends inclusive)."""

from __future__ import annotations

import datetime as dt

from pipelines import metrics


def presets(years: list[int]) -> dict[str, str]:
    """Preset key -> label, in the order the sidebar shows them."""
    options = {"tout": "Tout le programme"}
    options.update({str(year): f"Année {year}" for year in reversed(years)})
    # (a period, every channel: « Campagne été 2023 » read as the campaign « Été 2023 –
    # campings et sites touristiques », 70 households where the period has 77)
    options["ete-2023"] = "Été 2023 (1er juillet – 31 octobre)"
    options["perso"] = "Période personnalisée…"
    return options


def preset_period(key: str) -> tuple[dt.date | None, dt.date | None]:
    """The period of a preset (the build answers the costliest metrics for each of them:
    metrics.preset_periods)."""
    if key == "ete-2023":
        return metrics.SUMMER_2023
    if key.isdigit():
        return metrics.year_period(int(key))
    return None, None
