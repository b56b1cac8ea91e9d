"""The headline figures of `kpis --json` from the raw exports with polars, as an analyst would
write them for these exports (`python -m pipelines demo --scale N`): lazy scans, the file
layouts known in advance, explicit date formats. Prints the figures as JSON.

Usage: python bench/analyst_polars.py RAW_DIR

Simpler than the contract in the same places as bench/analyst_pandas.py (layouts written in,
only the date formats these exports use, no thousands separators, no check for rows with extra
values); none of it changes the figures on these exports. Polars reads a Windows-1252 file by
decoding it in Python first (its own reader is UTF-8 only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

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


def clean(frame: pl.LazyFrame, columns: dict[str, str]) -> pl.LazyFrame:
    """Known columns renamed, values trimmed, empty as missing."""
    names = frame.collect_schema().names()
    kept = {name: columns[name] for name in names if name in columns}
    return frame.select(list(kept)).rename(kept).with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in kept.values())


def read(pattern: str, columns: dict[str, str], **options) -> pl.LazyFrame:
    """Every file of a source, in name order, with its order and row position."""
    frames = []
    for order, path in enumerate(sorted(RAW.glob(pattern))):
        if options.get("encoding", "utf8") == "utf8":
            frame = pl.scan_csv(path, infer_schema=False, **options)
        else:
            frame = pl.read_csv(path, infer_schema=False, **options).lazy()
        frames.append(clean(frame, columns).with_columns(
            file_order=pl.lit(order), row=pl.int_range(pl.len())))
    return pl.concat(frames, how="diagonal")


def valid_email(column: str) -> pl.Expr:
    """Lower-cased; null when not an address (`-`, `n/a`, `inconnu@`)."""
    email = pl.col(column).str.to_lowercase()
    ok = (email.str.count_matches("@", literal=True) == 1) & ~email.str.starts_with("@") \
        & email.str.split("@").list.get(1, null_on_oob=True).str.contains(".", literal=True)
    return pl.when(ok).then(email)


def french_day(column: str) -> pl.Expr:
    return pl.col(column).str.slice(0, 10).str.strptime(pl.Date, "%d/%m/%Y", strict=False)


# prospects: rejected rows out, the latest update of an ID wins, equal emails are one household
prospects = (
    read("prospects*.csv", PROSPECTS, separator=";", encoding="cp1252")
    .with_columns(french_day("first"), french_day("updated"), french_day("start"),
                  pl.col("size").cast(pl.Int64, strict=False), valid_email("email"))
    .with_columns(size=pl.when(pl.col("size") >= 1).then(pl.col("size")))
    .filter(pl.col("id").is_not_null() & pl.col("first").is_not_null())
    .sort(["updated", "file_order", "row"], nulls_last=False)
    .unique("id", keep="last", maintain_order=True)
)
first_of_email = (prospects.filter(pl.col("email").is_not_null()).sort(["first", "id"])
                  .unique("email", keep="first", maintain_order=True)
                  .select("email", household="id"))
prospects = prospects.join(first_of_email, on="email", how="left").with_columns(
    household=pl.coalesce("household", "id")).collect()
households = prospects.filter(pl.col("household") == pl.col("id"))
household_of = prospects.select("id", "household").lazy()

# installations: known prospects only, the first row of an ID wins, the earliest counts
installations = (
    read("installations*.csv", INSTALLATIONS, separator=";")
    .with_columns(pl.col("day").str.strptime(pl.Date, "%d/%m/%Y", strict=False))
    .filter(pl.col("iid").is_not_null() & pl.col("id").is_not_null()
            & pl.col("day").is_not_null()
            & pl.col("commune").str.contains(r"^(?:\d{5}|2[AB]\d{3})$"))
    .join(household_of, on="id", how="inner")
    .sort(["file_order", "row"]).unique("iid", keep="first", maintain_order=True)
    .collect()
)
earliest = (installations.sort(["day", "file_order", "row"])
            .unique("household", keep="first", maintain_order=True)
            .join(households.select(household="id", size="size"), on="household", how="left")
            .with_columns(people=pl.col("people").cast(pl.Int64, strict=False))
            .with_columns(people=pl.coalesce(pl.when(pl.col("people") >= 1).then("people"),
                                             "size", pl.lit(1))))

# touches: accepted rows, the first of an ID wins; the person is the household named by the
# ID, else the household with that email, else the email; neither is anonymous
at = pl.col("at")
by_email = prospects.filter(pl.col("email").is_not_null()).unique("email").select(
    "email", by_email="household").lazy()
touches = (
    read("contacts_campagnes*.csv", TOUCHES, separator=",")
    .with_columns(at=pl.coalesce(
        at.str.slice(0, 19).str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S", strict=False),
        at.str.strptime(pl.Datetime, "%d/%m/%Y %H:%M", strict=False)))
    .filter(pl.col("tid").is_not_null() & at.is_not_null() & pl.col("campaign").is_not_null())
    .unique("tid", keep="first", maintain_order=True)
    .with_columns(valid_email("email"))
    .join(household_of, on="id", how="left")
    .join(by_email, on="email", how="left")
    .select(person=pl.coalesce("H:" + pl.col("household"), "H:" + pl.col("by_email"),
                               "E:" + pl.col("email")))
    .select(contacts=pl.col("person").n_unique() - pl.col("person").null_count().clip(0, 1),
            interactions=pl.len())
    .collect()
)

figures = {
    "followed": households.height,
    "accompanied": households.filter(
        pl.col("start").is_not_null()
        | pl.col("id").is_in(installations["household"].implode())).height,
    "installed": earliest.height,
    "people_installed": int(earliest["people"].sum()),
    "contacts": int(touches["contacts"][0]),
    "interactions": int(touches["interactions"][0]),
}
print(json.dumps(figures))
