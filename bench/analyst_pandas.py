"""The headline figures of `kpis --json` from the raw exports with pandas, as an analyst would
write them for these exports (`python -m pipelines demo --scale N`): one script, the file
layouts known in advance, explicit date formats. Prints the figures as JSON.

Usage: python bench/analyst_pandas.py RAW_DIR

Where it is simpler than the contract (shared/spec/exports.md), on purpose, as an analyst's
script would be (none of it changes the figures on these exports):
- each source's encoding, delimiter and header names are written in (no detection, no
  aliases beyond the two CRM header styles), CSV only;
- dates only in the formats these exports use (prospects and installations `DD/MM/YYYY`, an
  update `DD/MM/YYYY HH:MM` read as its day; touches ISO `YYYY-MM-DDTHH:MM:SS` with an optional
  `Z`/offset dropped, or `DD/MM/YYYY HH:MM`), not every shape the contract accepts;
- a household size or a number of people is whatever `to_numeric` reads (no thousands
  separators); rows with more values than the header are not looked for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

RAW = Path(sys.argv[1])

PROSPECTS = {  # the CRM's two header styles (2020-2022 export, then 2023-2024)
    "N° dossier": "id", "Identifiant": "id",
    "Date de création": "first", "Date contact": "first",
    "Courriel": "email", "E-mail": "email",
    "Nombre de personnes": "size", "Taille du foyer": "size",
    "Début accompagnement": "start", "Date début accompagnement": "start",
    "Modifié le": "updated", "Mise à jour": "updated",
}
INSTALLATIONS = {"ID installation": "iid", "N° dossier": "id", "Installé le": "day",
                 "Code INSEE": "commune", "Personnes installées": "people"}
TOUCHES = {"ID interaction": "tid", "Horodatage": "at", "Code campagne": "campaign",
           "Email": "email", "ID prospect": "id"}


def read(pattern: str, columns: dict[str, str], **options) -> pd.DataFrame:
    """Every file of a source, in name order, with its order and row position (for « the
    first row wins »), values trimmed, empty as missing."""
    frames = []
    for order, path in enumerate(sorted(RAW.glob(pattern))):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                            usecols=lambda c: c in columns, **options).rename(columns=columns)
        frame["file_order"] = order
        frame["row"] = range(len(frame))
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    for column in set(columns.values()):
        data[column] = data[column].str.strip().replace("", pd.NA)
    return data


def valid_email(email: pd.Series) -> pd.Series:
    """Lower-cased; NA when not an address (`-`, `n/a`, `inconnu@`)."""
    email = email.str.lower()
    parts = email.str.split("@")
    ok = (email.str.count("@") == 1) & ~email.str.startswith("@") & parts.str[1].str.contains(
        ".", regex=False)
    return email.where(ok.fillna(False).astype(bool))


def french_day(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str[:10], format="%d/%m/%Y", errors="coerce")


# prospects: rejected rows out, the latest update of an ID wins, equal emails are one household
prospects = read("prospects*.csv", PROSPECTS, sep=";", encoding="cp1252")
prospects["first"] = french_day(prospects["first"])
prospects["updated"] = french_day(prospects["updated"])
prospects["start"] = french_day(prospects["start"])
prospects["size"] = pd.to_numeric(prospects["size"], errors="coerce")
prospects["size"] = prospects["size"].where(prospects["size"] >= 1)
prospects = prospects[prospects["id"].notna() & prospects["first"].notna()]
prospects = prospects.sort_values(["updated", "file_order", "row"], na_position="first")
prospects = prospects.drop_duplicates("id", keep="last")
prospects["email"] = valid_email(prospects["email"])
first_of_email = (prospects[prospects["email"].notna()].sort_values(["first", "id"])
                  .drop_duplicates("email").set_index("email")["id"])
prospects["household"] = prospects["email"].map(first_of_email).fillna(prospects["id"])
households = prospects[prospects["household"] == prospects["id"]].set_index("id")
household_of = prospects.set_index("id")["household"]

# installations: known prospects only, the first row of an ID wins, the earliest counts
inst = read("installations*.csv", INSTALLATIONS, sep=";")
inst["day"] = pd.to_datetime(inst["day"], format="%d/%m/%Y", errors="coerce")
inst = inst[inst["iid"].notna() & inst["id"].notna() & inst["day"].notna()
            & inst["commune"].str.fullmatch(r"\d{5}|2[AB]\d{3}").fillna(False).astype(bool)
            & inst["id"].isin(household_of.index)]
inst = inst.drop_duplicates("iid", keep="first")
inst["household"] = inst["id"].map(household_of)
earliest = inst.sort_values(["day", "file_order", "row"]).drop_duplicates("household")
people = pd.to_numeric(earliest["people"], errors="coerce")
people = people.where(people >= 1).fillna(earliest["household"].map(households["size"]))

# touches: accepted rows, the first of an ID wins; the person is the household named by the
# ID, else the household with that email, else the email; neither is anonymous
touches = read("contacts_campagnes*.csv", TOUCHES, sep=",")
at = touches["at"]
touches["at"] = pd.to_datetime(at.str[:19], format="%Y-%m-%dT%H:%M:%S", errors="coerce") \
    .fillna(pd.to_datetime(at, format="%d/%m/%Y %H:%M", errors="coerce"))
touches = touches[touches["tid"].notna() & touches["at"].notna() & touches["campaign"].notna()]
touches = touches.drop_duplicates("tid", keep="first")
email = valid_email(touches["email"])
by_email = prospects[prospects["email"].notna()].drop_duplicates("email").set_index("email")[
    "household"]
person = ("H:" + touches["id"].map(household_of)) \
    .fillna("H:" + email.map(by_email)).fillna("E:" + email)

figures = {
    "followed": len(households),
    "accompanied": int((households["start"].notna()
                        | households.index.isin(inst["household"])).sum()),
    "installed": int(earliest["household"].nunique()),
    "people_installed": int(people.fillna(1).sum()),
    "contacts": int(person.nunique()),
    "interactions": len(touches),
}
print(json.dumps(figures))
