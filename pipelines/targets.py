"""The programme's yearly objectives and the bilans' settings (pipelines/targets.toml), read at
build time into ref.targets and ref.report_settings."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import duckdb

from . import config
from .guard import FileProblem, settings_file
from .values import table_of

TARGETS_FILE = Path(os.environ.get("OMLOT_TARGETS_FILE", config.PACKAGE / "targets.toml"))

# The measures an objective may name: the figure that answers it (metrics layer), in order.
# A flow counts the year's cohorts; a stock (the ambassador network) is a size at a date.
MEASURES = {
    "followed": ("Foyers suivis", "flow"),
    "installed": ("Foyers installés", "flow"),
    "people_installed": ("Personnes installées", "flow"),
    # (« inscrits »: the overview's card beside it counts the active ones, 344 against 430)
    "ambassadors": ("Ambassadeurs inscrits", "stock"),
}
DEFAULT_SMALL_COUNT = 5
# The statistical-secrecy threshold a bilan accepts, from targets.toml or the command line (at
# most 1 000: a count of 99 999 999 999 999 failed in DuckDB's integer, in English).
SMALL_COUNTS = range(1, 1001)
SMALL_COUNT_RULE = "un nombre entier de 1 à 1 000"
DEFAULT_MODEL = "linear"


class TargetsError(FileProblem):
    """The targets file cannot be used: the message names the file and the value."""


def _fail(path: Path, message: str) -> TargetsError:
    return TargetsError(f"{path.name} : {message}")


def _table(path: Path, parent: dict, key: str | None, where: str) -> dict:
    """parent[key] (or parent itself when key is None) if it is a TOML table, else
    TargetsError: `targets = 3` stopped the build on « erreur interne (AttributeError) »."""
    value = parent if key is None else parent.get(key, {})
    if not isinstance(value, dict):
        raise _fail(path, f"{where} doit être une table (des lignes « mesure = nombre » sous "
                          "un titre entre crochets), pas une valeur seule")
    return value


def read(path: Path = TARGETS_FILE) -> tuple[dict, list[dict]]:
    """(settings, objectives) of the targets file; no file means no objective and the default
    settings."""
    if not path.exists():
        return {"small_count": DEFAULT_SMALL_COUNT, "attribution_model": DEFAULT_MODEL}, []
    document = settings_file(path)
    report = _table(path, document, "report", "[report]")
    small_count = report.get("small_count", DEFAULT_SMALL_COUNT)
    if (not isinstance(small_count, int) or isinstance(small_count, bool)
            or small_count not in SMALL_COUNTS):
        # (the value not quoted: fourteen digits are masked as a phone number in messages)
        raise _fail(path, f"report.small_count doit être {SMALL_COUNT_RULE}")
    settings = {"small_count": small_count,
                "attribution_model": str(report.get("attribution_model", DEFAULT_MODEL))}
    objectives = []
    for year, table in _table(path, document, "targets", "[targets]").items():
        # (ASCII digits: « ²⁰²⁴ » passed str.isdigit and failed in int())
        if not re.fullmatch("[0-9]{4}", year):
            raise _fail(path, f"[targets.{year}] : l'année doit s'écrire sur 4 chiffres")
        where = f"[targets.{year}]"
        table = _table(path, table, None, where)
        scopes = [(None, None, table)]
        scopes += [(code, None, _table(path, t, None, f"{where} canal {code}"))
                   for code, t in _table(path, table, "channels", f"{where} channels").items()]
        scopes += [(None, code, _table(path, t, None, f"{where} campagne {code}"))
                   for code, t in _table(path, table, "campaigns", f"{where} campaigns").items()]
        for channel, campaign, values in scopes:
            for measure, target in values.items():
                if measure in ("channels", "campaigns") and channel is None and campaign is None:
                    continue
                if measure not in MEASURES:
                    raise _fail(path, f"[targets.{year}] : mesure inconnue « {measure} » "
                                      f"(attendu : {', '.join(MEASURES)})")
                # (not `inf` nor `nan`, which TOML reads as numbers)
                if (not isinstance(target, int | float) or isinstance(target, bool)
                        or not math.isfinite(target) or target < 0):
                    raise _fail(path, f"[targets.{year}] {measure} doit être un nombre ≥ 0")
                if measure == "ambassadors" and (channel or campaign):
                    raise _fail(path, f"[targets.{year}] : l'objectif d'ambassadeurs vaut pour "
                                      "tout le réseau, ni par canal ni par campagne")
                objectives.append({"year": int(year), "measure": measure, "channel": channel,
                                   "campaign_code": campaign, "target": float(target)})
    return settings, objectives


def load(con: duckdb.DuckDBPyConnection, path: Path = TARGETS_FILE) -> None:
    """ref.targets (one row per objective) and ref.report_settings (one row); checked against
    ref.channels and ref.attribution_models, which must be loaded first."""
    settings, objectives = read(path)
    order = list(MEASURES)
    table_of(con, "ref.targets", {
        "year": ("integer", [o["year"] for o in objectives]),
        "measure": ("varchar", [o["measure"] for o in objectives]),
        "measure_order": ("integer", [order.index(o["measure"]) + 1 for o in objectives]),
        "label": ("varchar", [MEASURES[o["measure"]][0] for o in objectives]),
        "kind": ("varchar", [MEASURES[o["measure"]][1] for o in objectives]),
        "channel": ("varchar", [o["channel"] for o in objectives]),
        "campaign_code": ("varchar", [o["campaign_code"] for o in objectives]),
        "target": ("double", [o["target"] for o in objectives]),
    })
    unknown = con.execute("select distinct channel from ref.targets where channel is not null "
                          "and channel not in (select channel from ref.channels)").fetchall()
    if unknown:
        raise _fail(path, f"canal inconnu « {unknown[0][0]} » (voir channels.toml)")
    known = {m for (m,) in con.execute("select model from ref.attribution_models").fetchall()}
    if settings["attribution_model"] not in known:
        raise _fail(path, f"report.attribution_model « {settings['attribution_model']} » "
                          f"inconnu (attendu : {', '.join(sorted(known))})")
    con.execute("create or replace table ref.report_settings as select ?::integer as "
                "small_count, ?::varchar as attribution_model",
                [settings["small_count"], settings["attribution_model"]])
    # (the file's name, for the warnings of objectives nothing will be compared with:
    # quality.warnings, kind « objectif »)
    con.execute("set variable targets_file = ?", [path.name])
