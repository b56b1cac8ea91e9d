"""Contract-shaped demo exports at N times the programme: `python -m pipelines demo --scale N`.

For benchmarks (bench/, issue 12), not for the dashboard's own demo (pipelines/demo.py, whose bytes
do not change). One « unit » is the programme of one département: 400 households followed, about
134 installation rows, 540 ambassadors and 10 000 campaign touches; N units are drawn at once
with numpy (no Python loop per row) and written in chunks with pyarrow's string kernels (the
monthly files two at a time), so N = 1000 (400 000 households, 10 M touches, 1.2 GB of CSV)
takes about 15 s on two quiet cores and 1.1 GB of memory at its peak (the touches as numbers,
~30 bytes a touch, sorted by time, plus a chunk of text per file being written).

The units are grouped into ceil(√N) programmes, each with its own 16 campaigns (codes suffixed
`-P07` when N > 1): a national network of programmes, not one département with 10 M contacts
on 16 campaigns.

Files (same formats and defects as the real exports, shared/spec/exports.md):
- `prospects_crm_2020-2022.csv`, `prospects_crm_2023-2024.csv`: Windows-1252, `;`, CRLF, two
  header styles, French dates (`DD/MM/YYYY`, updates with a time in the second file), a quoted
  `;` and a `€` in some projects; per unit: 3 prospects re-exported in the second file (2 with a
  later update and state, 1 unchanged: duplicates), 2 households registered again under a new ID
  with the same e-mail written differently (merged), 4 e-mail placeholders (`-`, `n/a`, …) that
  must not merge, one row without ID and one first contact `31/02/2023` (rejected), one blank
  line;
- `prospects_crm_saisie_salons.csv`: a small file of the same CRM (5 rows a unit, at most 2 000)
  where some projects hold a quoted line break: that file takes the reference reader;
- `installations.csv`: UTF-8, `;`; per unit a repeated row (duplicate), an unknown prospect and a
  date `31/06/2024` (rejected), a commune `46999` (kept, warned), a household installed twice
  and installations filed under a merged ID;
- `ambassadeurs_export.csv`: UTF-8 with BOM, `,`, ISO dates; one ambassador exported twice a unit;
- `campagnes.csv`: UTF-8, `;`, budgets in French notation (`12 500,50 €`, three kinds of space);
- `contacts_campagnes_YYYY-MM.csv`: one file a month, UTF-8, `,`, timestamps mixed per row
  (`2023-07-14T10:32:00`, with `Z` or `+02:00` now and then, and `14/07/2023 10:32`), actions
  holding a quoted `,`; touches naming a prospect ID, an e-mail only (case and spaces varying),
  a merged ID, an unknown ID, or nobody; per unit a touch without campaign code and one dated
  `31/02/2023` (rejected) and a repeated row (duplicate).

Same N and seed, same bytes. All names and e-mails are invented (example.* domains).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import demo as base

UNIT_HOUSEHOLDS = 400
UNIT_TOUCHES = 10_000
_EPOCH = dt.date(1970, 1, 1)
CHANNELS = ("salon", "site_web", "tourisme", "sante", "ambassadeur", "entreprise", "digital",
            "presse", "autre")
_CH = {name: i for i, name in enumerate(CHANNELS)}
_T = {c.code: i for i, c in enumerate(base.CAMPAIGNS)}  # campaign templates
_PLACEHOLDERS = ("-", "n/a", "non communiqué", "inconnu@")
_SITUATION_LIST = [s for s, _ in base._SITUATIONS]
_COMMA_SUFFIX = ", après relance"  # a value holding the touches' delimiter (quoted)
_UNKNOWN_SOURCE = "Affiche en mairie"  # a channel label no mapping knows (warned, `autre`)
SNAPSHOT = base.SNAPSHOT
_CHUNK_ROWS = 200_000


def _d(day: dt.date) -> int:
    return (day - _EPOCH).days


_SNAP, _LAST = _d(base.SNAPSHOT), _d(base.LAST_CONTACT)


# ---------------------------------------------------------------- vectorised helpers


def _between(rng: np.random.Generator, low, high) -> np.ndarray:
    """A day between low and high, both included (low when the range is empty)."""
    low = np.asarray(low, dtype=np.int64)
    span = np.maximum(np.asarray(high, dtype=np.int64) - low, 0)
    return low + np.floor(rng.random(np.broadcast(low, span).shape) * (span + 1)).astype(np.int64)


def _weighted(rng: np.random.Generator, weights, size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _text(values) -> pa.Array:
    return pa.array(list(values), pa.string())


def _take(table: pa.Array, index: np.ndarray) -> pa.Array:
    """table[index], NULL where index < 0."""
    index = np.asarray(index)
    return pc.take(table, pa.array(index, mask=index < 0))


def _num(values: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(values), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def _cat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _iso_dates(days: np.ndarray) -> pa.Array:
    """YYYY-MM-DD (NULL for a negative day). A cast: pyarrow's strftime is 30x slower."""
    days = np.asarray(days)
    return pc.cast(pa.array(days.astype(np.int32), pa.date32(), mask=days < 0), pa.string())


def _french(iso: pa.Array) -> pa.Array:
    """DD/MM/YYYY[ HH:MM] from YYYY-MM-DD[ HH:MM:SS]."""
    def part(start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(iso, start, stop)

    return _cat(part(8, 10), "/", part(5, 7), "/", part(0, 4), part(10, 16))


def _dates(days: np.ndarray) -> pa.Array:
    """DD/MM/YYYY (NULL for a negative day)."""
    return _french(_iso_dates(days))


def _stamps(seconds: np.ndarray) -> pa.Array:
    """YYYY-MM-DD HH:MM:SS of seconds since 1970."""
    return pc.cast(pa.array(seconds, pa.timestamp("s")), pa.string())


def _where(mask: np.ndarray, yes, no) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), yes, no)


def _patch(values: pa.Array, mask: np.ndarray, make, source: pa.Array | None = None) -> pa.Array:
    """values, with make(source where mask) in place where mask (source: values itself by
    default): the work done on those rows only (most touches carry no variant, no suffix)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return values
    selected = pa.array(mask)
    source = values if source is None else source
    return pc.replace_with_mask(values, selected, make(pc.filter(source, selected)))


def _csv_bytes(columns: list[pa.Array], delimiter: str, eol: str,
               free_text: tuple[int, ...] | None = None) -> memoryview:
    """Rows as a spreadsheet writes them: minimal quoting (a value holding the delimiter, a
    quote or a line break), missing values empty. Only the columns in free_text are searched
    for characters to quote (all when None): the others are codes, dates and numbers."""
    special = re.escape(delimiter) + '"\\r\\n'
    parts = []
    for index, column in enumerate(columns):
        column = pc.fill_null(column, "")
        if free_text is None or index in free_text:
            needs = pc.match_substring_regex(column, f"[{special}]")
            if pc.any(needs).as_py():
                quoted = _cat('"', pc.replace_substring(column, '"', '""'), '"')
                column = pc.if_else(needs, quoted, column)
        parts.append(column)
    lines = _cat(pc.binary_join_element_wise(*parts, delimiter), eol)
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    if len(lines) == 0:
        return memoryview(b"")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return memoryview(lines.buffers()[2])[start:end]


def _header(names: list[str], delimiter: str, eol: str) -> memoryview:
    return _csv_bytes([_text([n]) for n in names], delimiter, eol)


class _Writer:
    """One export file, written in chunks; counts its data rows."""

    def __init__(self, path: Path, encoding: str, delimiter: str, eol: str, header: list[str],
                 bom: bool = False, free_text: tuple[int, ...] | None = None):
        self.path, self.encoding, self.delimiter, self.eol = path, encoding, delimiter, eol
        self.free_text = free_text
        self.rows = 0
        self.handle = open(path, "wb")  # noqa: SIM115 (closed by close())
        if bom:
            self.handle.write("\ufeff".encode())
        self._write(_header(header, delimiter, eol))

    def _write(self, data: memoryview) -> None:
        if self.encoding != "utf-8":
            data = bytes(data).decode("utf-8").encode(self.encoding)
        self.handle.write(data)

    def rows_of(self, columns: list[pa.Array]) -> None:
        for start in range(0, len(columns[0]), _CHUNK_ROWS):
            chunk = [c.slice(start, _CHUNK_ROWS) for c in columns]
            self._write(_csv_bytes(chunk, self.delimiter, self.eol, self.free_text))
            self.rows += len(chunk[0])

    def blank_line(self) -> None:
        self.handle.write(self.eol.encode())

    def close(self) -> None:
        self.handle.close()


# ---------------------------------------------------------------- the programme's units


@dataclass
class Scale:
    units: int
    groups: int  # programmes, each with its own campaigns
    seed: int

    @property
    def households(self) -> int:
        return UNIT_HOUSEHOLDS * self.units


def _campaigns(scale: Scale) -> dict[str, np.ndarray | pa.Array]:
    """Campaigns of every programme: template t of programme g has index t + 16 g."""
    templates = base.CAMPAIGNS
    count = len(templates)
    groups = np.repeat(np.arange(scale.groups), count)
    t = np.tile(np.arange(count), scale.groups)
    width = len(str(scale.groups))
    suffix = [""] if scale.groups == 1 else [f"-P{g + 1:0{width}d}" for g in range(scale.groups)]
    codes = [c.code + suffix[g] for g in range(scale.groups) for c in templates]
    labels = [c.label + ("" if scale.groups == 1 else f" – programme {g + 1}")
              for g in range(scale.groups) for c in templates]
    return {
        "t": t, "g": groups, "code": _text(codes), "label": _text(labels),
        "channel": _text([c.channel for c in templates] * scale.groups),
        "start": np.tile([_d(c.start) for c in templates], scale.groups),
        "end": np.tile([_d(c.end) for c in templates], scale.groups),
        "budget": np.tile([c.budget for c in templates], scale.groups),
        "web": np.tile([c.tool == "web" for c in templates], scale.groups),
    }


def _ambassadors(rng: np.random.Generator, scale: Scale, communes: list[str]) -> dict:
    days = []
    for year, count in base._AMBASSADORS_BY_YEAR.items():
        low = dt.date(2019, 9, 1) if year == 2019 else dt.date(year, 1, 1)
        days.append(_between(rng, np.full(count * scale.units, _d(low)),
                             _d(dt.date(year, 12, 31))))
    joined = np.sort(np.concatenate(days))
    n = len(joined)
    pool = np.array([communes.index(c) for c in communes + list(base._MAIN_COMMUNES) * 10])
    code = pool[rng.integers(0, len(pool), n)]
    old = joined <= _d(dt.date(2021, 12, 31))
    draw = rng.random(n)
    # (oui, non, "") with weights (70, 25 or 8, 3)
    no_share = np.where(old, 25 / 98, 8 / 81)
    blank_share = np.where(old, 3 / 98, 3 / 81)
    active = np.where(draw < blank_share, 2, np.where(draw < blank_share + no_share, 1, 0))
    kind = _weighted(rng, (80, 10, 6, 4), n)
    return {"joined": joined, "code": code, "active": active, "kind": kind}


@dataclass
class Prospects:
    """Every prospect entity: the households (0..H-1), then their second registrations (merged),
    then the rows that will be rejected. Days are integers (days since 1970), -1 is none."""

    channel: np.ndarray
    label: pa.Array
    template: np.ndarray  # campaign template or -1
    group: np.ndarray
    first: np.ndarray
    ambassador: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    email_ok: np.ndarray  # a valid address (the key it merges on)
    email: pa.Array  # as the CRM writes it (case, spaces, placeholders)
    email_key: pa.Array  # the address itself (lower case, trimmed), for touches
    phone: pa.Array
    size: np.ndarray
    department: np.ndarray
    project: np.ndarray
    start: np.ndarray
    immersion: np.ndarray
    install: np.ndarray
    abandon: np.ndarray
    updated: np.ndarray
    updated_minute: np.ndarray
    site: np.ndarray  # tourist site of a tourism household, -1 otherwise
    pre_touches: np.ndarray  # (E, 3) days of the tourism postcards, -1 beyond
    pid: pa.Array
    first_text: pa.Array  # the first contact as written (31/02/2023 for a reject)


_PROJECT_LIST = list(base._PROJECTS) + [p for ps in base._PROJECTS_BY_CHANNEL.values()
                                        for p in ps] + [base._MULTILINE_PROJECT]
_MULTILINE = len(_PROJECT_LIST) - 1
_SLUG_FIRST = [base._slug(n) for n in base._FIRST_NAMES]
_SLUG_LAST = [base._slug(n) for n in base._LAST_NAMES]


def _email_text(first: np.ndarray, last: np.ndarray, number: np.ndarray,
                domain: np.ndarray) -> pa.Array:
    return _cat(_take(_text(_SLUG_FIRST), first), ".", _take(_text(_SLUG_LAST), last),
                _num(number), "@", _take(_text(base._DOMAINS), domain))


def _variant(email: pa.Array, kind: np.ndarray) -> pa.Array:
    """The same address as another tool or person typed it: 1 upper case, 2 a leading space,
    3 title case and a trailing space (0: as is). Addresses are ASCII (slugs, example.*)."""
    email = _patch(email, kind == 1, pc.ascii_upper)
    email = _patch(email, kind == 2, lambda v: _cat(" ", v))
    return _patch(email, kind == 3, lambda v: _cat(pc.ascii_title(v), " "))


def _households(rng: np.random.Generator, scale: Scale, campaigns: dict,
                ambassadors: dict) -> dict:
    """The households followed, in the proportions of the demo's plan, drawn at once."""
    plan = base._PLAN
    channel = np.tile(np.repeat([_CH[c] for c, _, _ in plan], [n for _, n, _ in plan]),
                      scale.units)
    fixed = np.tile(np.repeat([_T[code] if code else -1 for _, _, code in plan],
                              [n for _, n, _ in plan]), scale.units)
    h = len(channel)
    group = rng.integers(0, scale.groups, h)
    draw = rng.random(h)
    template = fixed.copy()
    salon = channel == _CH["salon"]
    template[salon] = np.array([_T[c] for c in base._SALONS])[
        _weighted(rng, (20, 10, 18, 22, 20), int(salon.sum()))]
    sante = channel == _CH["sante"]
    template[sante] = np.array([_T[c] for c in base._SANTE])[
        rng.integers(0, len(base._SANTE), int(sante.sum()))]
    web = channel == _CH["site_web"]
    template[web & (draw < 0.8)] = _T["WEB-CHOISIRLELOT"]
    amb = channel == _CH["ambassadeur"]
    template[amb & (draw < 0.7)] = _T["AMB-RESEAU"]

    # channel labels: the CRM's own words, unknown ones among « autre »
    labels = [label for c in CHANNELS[:-1] for label in base._LABELS[c]] + list(
        base._OTHER_LABELS)
    offset = np.cumsum([0] + [len(base._LABELS[c]) for c in CHANNELS[:-1]])
    length = np.array([len(base._LABELS[c]) for c in CHANNELS[:-1]] + [len(base._OTHER_LABELS)])
    label = offset[channel] + np.floor(rng.random(h) * length[channel]).astype(np.int64)
    forum = np.isin(template, [_T["FORUM-VTC-2021"]])
    label[salon] = offset[_CH["salon"]] + rng.integers(0, 3, int(salon.sum()))
    label[salon & forum] = offset[_CH["salon"]] + 3

    # first contact, from the channel and what led to it
    first = np.zeros(h, dtype=np.int64)
    start = campaigns["start"][np.maximum(template, 0)]
    end = campaigns["end"][np.maximum(template, 0)]
    tour = channel == _CH["tourisme"]
    pre = np.sort(_between(rng, np.full((h, 3), _d(dt.date(2023, 7, 1))),
                           _d(dt.date(2023, 10, 31))), axis=1)
    postcards = np.array([1, 1, 2, 2, 3])[rng.integers(0, 5, h)]
    pre[np.arange(3)[None, :] >= postcards[:, None]] = -1
    pre[~tour] = -1
    last_pre = pre[np.arange(h), postcards - 1]
    first[tour] = np.minimum(_between(rng, last_pre, last_pre + 45),
                             _d(dt.date(2023, 12, 31)))[tour]
    first[amb] = _between(rng, np.full(int(amb.sum()), _d(dt.date(2020, 2, 1))),
                          _d(dt.date(2024, 12, 20)))
    lag = np.array([40, 0, 0, 60, 0, 15, 20, 30, 0])[channel]
    dated = (template >= 0) & (template != _T["WEB-CHOISIRLELOT"]) & ~tour & ~amb
    seen = _between(rng, start, end)
    first[dated] = np.minimum(_between(rng, seen, seen + lag), _LAST)[dated]
    undated = ~(tour | amb | dated)
    years = np.where(channel == _CH["entreprise"], 2021, np.where(channel == _CH["presse"],
                                                                  2020, 2020))
    span = np.where(channel == _CH["entreprise"], 3, np.where(channel == _CH["presse"], 2, 5))
    # years weighted 10, 12, 14… (later years busier)
    u = rng.random(h)
    year = np.zeros(h, dtype=np.int64)
    for s in (2, 3, 5):
        weights = np.array([10 + 2 * i for i in range(s)], dtype=float)
        cum = np.cumsum(weights / weights.sum())
        year = np.where(span == s, years + np.searchsorted(cum, u), year)
    jan1 = (year - 1970) * 365 + (year - 1969) // 4  # days to 1 January (1970-2099)
    first[undated] = _between(rng, jan1, jan1 + 353)[undated]  # to about 20 December

    # the ambassador who brought an ambassador household: one who joined 15 days before
    known = np.searchsorted(ambassadors["joined"], first - 15, side="right")
    ambassador = np.where(amb, np.floor(rng.random(h) * np.maximum(known, 1)), -1).astype(
        np.int64)
    site = np.where(tour, rng.integers(0, len(base._TOURIST_SITES), h), -1)

    size = np.where(rng.random(h) < 0.93, 1 + _weighted(rng, (18, 30, 22, 20, 10), h), -1)
    department = _weighted(rng, [w for _, w in base._DEPARTMENTS], h)
    project = rng.integers(0, len(base._PROJECTS), h)
    for c, own in base._PROJECTS_BY_CHANNEL.items():
        mask = channel == _CH[c]
        project[mask] = _PROJECT_LIST.index(own[0]) + rng.integers(0, len(own), int(mask.sum()))
    return {"channel": channel, "template": template + group * len(base.CAMPAIGNS) * (
        template >= 0), "group": group, "first": first, "ambassador": ambassador,
        "label": _take(_text(labels), label), "site": site, "pre": pre, "size": size,
        "department": department, "project": project, "tour": tour}


def _stages(rng: np.random.Generator, hh: dict, campaigns: dict) -> dict:
    """Accompaniment, installation, immersion, abandon and last update of every household."""
    h = len(hh["first"])
    channel, first = hh["channel"], hh["first"]
    by_channel = np.array([1.0, 0.8, 1.0, 2.2, 1.7, 1.8, 0.7, 0.8, 0.6])[channel]
    age = np.minimum(_SNAP - first, 1000) / 1000
    weight = by_channel * np.maximum(age, 0.15)
    installed_n = round(h * base._INSTALLED / UNIT_HOUSEHOLDS)
    accompanied_n = round(h * base._ACCOMPANIED / UNIT_HOUSEHOLDS)
    key = rng.random(h) ** (1.0 / weight)
    installed = np.zeros(h, dtype=bool)
    installed[np.argpartition(-key, installed_n)[:installed_n]] = True
    immersion_stay = (hh["template"] % len(base.CAMPAIGNS) == _T["ENTR-IMM-2024"]) & (
        hh["template"] >= 0)
    accompanied = installed | immersion_stay
    more = accompanied_n - int(accompanied.sum())
    key = np.where(accompanied, -1.0, rng.random(h) ** (1.0 / weight))
    accompanied[np.argpartition(-key, more)[:more]] = True
    start = np.where(accompanied, np.minimum(_between(rng, first + 7, first + 120), _SNAP), -1)
    low = np.maximum(first + 30, start + 14)
    install = np.where(installed, _between(rng, low, np.minimum(first + 900, _SNAP)), -1)
    stay = immersion_stay & accompanied
    high = np.minimum(_d(dt.date(2024, 6, 28)), np.where(installed, install, _SNAP))
    immersion = np.where(stay, _between(rng, np.maximum(start, _d(dt.date(2024, 3, 15))), high),
                         -1)
    other = accompanied & ~stay & (rng.random(h) < 0.3)
    end = np.where(installed, install - 7, start + 240)
    immersion = np.where(other, np.minimum(_between(rng, start, end), _SNAP), immersion)
    abandon = ~installed & (rng.random(h) < np.where(accompanied, 0.25, 0.3))
    last = np.maximum.reduce([first, start, immersion, install])
    last = last + np.where(abandon, rng.integers(60, 401, h), 0)
    updated = np.minimum(last + rng.integers(0, 21, h), _SNAP)
    # a living network: households in progress were updated in the last 60 days, but for one
    # in eight of those accompanied for more than 90 days (« sans nouvelles »)
    going = accompanied & ~installed & ~abandon
    today = int(np.max(np.maximum.reduce([first, start, immersion, install, updated])))
    stuck = going & (start < today - 90)
    stalled = stuck & (rng.random(h) < min(1.0, going.sum() / 8 / max(stuck.sum(), 1)))
    silence = np.where(stalled, rng.integers(91, 366, h),
                       np.minimum(rng.integers(1, 61, h), rng.integers(1, 61, h)))
    updated = np.where(going, np.maximum(updated, today - silence), updated)
    return {"start": start, "install": install, "immersion": immersion, "abandon": abandon,
            "updated": updated, "accompanied": accompanied}


def _prospects(rng: np.random.Generator, scale: Scale, campaigns: dict,
               ambassadors: dict) -> tuple[Prospects, dict]:
    hh = _households(rng, scale, campaigns, ambassadors)
    stages = _stages(rng, hh, campaigns)
    h = len(hh["first"])
    units = scale.units

    # second registrations (rule 2): the same household again through the website, later
    plain = (~np.isin(hh["channel"], [_CH["tourisme"], _CH["autre"]])
             & (hh["template"] % len(base.CAMPAIGNS) != _T["ENTR-IMM-2024"])
             & (hh["first"] <= _d(dt.date(2024, 6, 30))))
    merged_n = 2 * units
    kept = rng.choice(np.flatnonzero(plain), merged_n, replace=False)
    # re-exports (rule 1) among the households of the 2020-2022 file
    older = np.flatnonzero((hh["first"] < _d(dt.date(2023, 1, 1))) & plain)
    older = np.setdiff1d(older, kept)
    again = rng.choice(older, 3 * units, replace=False)
    # rows rejected: one without ID (2020-2022 file), one first contact 31/02/2023
    reject_n = 2 * units
    e = h + merged_n + reject_n
    merged = np.arange(h, h + merged_n)
    rejects = np.arange(h + merged_n, e)

    def extend(values: np.ndarray, extra: np.ndarray) -> np.ndarray:
        return np.concatenate([values, extra])

    channel = extend(hh["channel"], np.concatenate([
        np.full(merged_n, _CH["site_web"]), np.full(reject_n, _CH["salon"])]))
    web = _T["WEB-CHOISIRLELOT"] + hh["group"][kept] * len(base.CAMPAIGNS)
    template = extend(hh["template"], np.concatenate([web, np.full(reject_n, -1)]))
    group = extend(hh["group"], np.concatenate([hh["group"][kept],
                                                rng.integers(0, scale.groups, reject_n)]))
    merged_first = np.minimum(hh["first"][kept] + rng.integers(30, 501, merged_n), _LAST)
    reject_first = np.where(np.arange(reject_n) < units,
                            _between(rng, np.full(reject_n, _d(dt.date(2021, 1, 1))),
                                     _d(dt.date(2022, 12, 20))),
                            _d(dt.date(2023, 3, 3)))  # numbered as early March
    first = extend(hh["first"], np.concatenate([merged_first, reject_first]))

    first_name = rng.integers(0, len(base._FIRST_NAMES), e)
    last_name = rng.integers(0, len(base._LAST_NAMES), e)
    first_name[merged], last_name[merged] = first_name[kept], last_name[kept]
    domain = rng.integers(0, len(base._DOMAINS), e)
    domain[merged] = domain[kept]
    number = np.arange(1, e + 1)
    number[merged] = number[kept]
    has_email = np.concatenate([hh["tour"] | (rng.random(h) < 0.95), np.ones(merged_n + reject_n,
                                                                           dtype=bool)])
    has_email[kept] = True
    address = _email_text(first_name, last_name, number, domain)
    # placeholders typed instead of an address (never merge, never identify anybody)
    placeholder = np.zeros(e, dtype=bool)
    candidates = np.setdiff1d(np.flatnonzero(has_email[:h]), np.concatenate([kept, again]))
    placeholder[rng.choice(candidates, 4 * units, replace=False)] = True
    email_ok = has_email & ~placeholder
    kind = np.where(rng.random(e) < 0.03, rng.integers(1, 4, e), 0)
    kind[merged] = rng.integers(1, 4, merged_n)  # the second registration: written otherwise
    written = _variant(address, kind)
    written = _where(placeholder, _take(_text(_PLACEHOLDERS), np.arange(e) % 4), written)
    written = _where(has_email, written, pa.nulls(e, pa.string()))
    email_key = _where(email_ok, address, pa.nulls(e, pa.string()))

    pairs = [_num(rng.integers(0, 100, e), 2) for _ in range(4)]
    phone = _cat("0", _take(_text("67"), rng.integers(0, 2, e)), " ", pairs[0], " ", pairs[1],
                 " ", pairs[2], " ", pairs[3])
    phone = _where(rng.random(e) < 0.85, phone, pa.nulls(e, pa.string()))

    def copy_kept(values: np.ndarray, reject_values) -> np.ndarray:
        return np.concatenate([values, values[kept], np.broadcast_to(reject_values, reject_n)])

    size = copy_kept(hh["size"], 2)
    department = copy_kept(hh["department"], 0)
    project = copy_kept(hh["project"], 1)
    none = np.full(merged_n + reject_n, -1)
    start = extend(stages["start"], none)
    immersion = extend(stages["immersion"], none)
    install = extend(stages["install"], none)
    abandon = extend(stages["abandon"], np.zeros(merged_n + reject_n, dtype=bool))
    updated = extend(stages["updated"], np.concatenate([
        np.minimum(merged_first + rng.integers(0, 6, merged_n), _SNAP), reject_first + 1]))
    # the kept household of a second registration is neither abandoned nor stalled at it
    abandon[kept] = False
    # re-exported prospects: their update in the 2023-2024 file is after 2022
    later = again[: 2 * units]
    updated[later] = np.maximum(updated[later], np.minimum(
        _d(dt.date(2023, 1, 1)) + rng.integers(5, 201, len(later)), _SNAP))

    labels = pa.concat_arrays([hh["label"], _text(["Formulaire web"] * merged_n),
                               _text(["Salon"] * reject_n)])
    ids = _assign_ids(first, np.concatenate([np.ones(h + merged_n, dtype=bool),
                                             np.arange(reject_n) >= units]))
    first_text = _where(np.arange(e) >= h + merged_n + units,
                        pa.scalar("31/02/2023"), _dates(first))
    prospects = Prospects(
        channel=channel, label=labels, template=template, group=group, first=first,
        ambassador=extend(hh["ambassador"], none), first_name=first_name, last_name=last_name,
        email_ok=email_ok, email=written, email_key=email_key, phone=phone, size=size,
        department=department, project=project, start=start, immersion=immersion,
        install=install, abandon=abandon, updated=updated,
        updated_minute=rng.integers(8 * 60, 19 * 60, e), site=extend(hh["site"], none),
        pre_touches=np.concatenate([hh["pre"], np.full((merged_n + reject_n, 3), -1)]),
        pid=ids, first_text=first_text)
    defects = {"kept": kept, "merged": merged, "again": again, "later": later,
               "rejects": rejects, "households": h, "accompanied": stages["accompanied"]}
    return prospects, defects


def _assign_ids(first: np.ndarray, numbered: np.ndarray) -> pa.Array:
    """CRM case numbers OML-<year>-<n>, in order of first contact within a year; "" (no ID)
    where not numbered."""
    year = np.asarray(pc.year(pa.array(first.astype(np.int32), pa.date32())))
    order = np.lexsort((np.arange(len(first)), first, year))
    sorted_year = year[order]
    starts = np.searchsorted(sorted_year, sorted_year, side="left")
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first)) - starts + 1
    width = max(4, len(str(int(rank.max()))))
    ids = _cat("OML-", _num(year), "-", _num(rank, width))
    return _where(numbered, ids, pa.scalar(""))


# ---------------------------------------------------------------- prospects files

_STATUS = _text(["En cours", "Accompagné", "Abandon", "Installé"])


def _prospect_columns(p: Prospects, rows: np.ndarray, as_of: np.ndarray | None,
                      with_time: bool, ambassador_ids: pa.Array,
                      campaign_codes: pa.Array) -> list[pa.Array]:
    """The 16 columns of the CRM for these entities, as the CRM showed them on as_of."""
    as_of = np.full(len(rows), _SNAP) if as_of is None else as_of

    def shown(days: np.ndarray) -> pa.Array:
        days = days[rows]
        return _dates(np.where((days >= 0) & (days <= as_of), days, -1))

    updated = np.minimum(p.updated[rows], as_of)
    if with_time:
        stamp = _french(_stamps(updated * 86400 + p.updated_minute[rows] * 60))
    else:
        stamp = _dates(updated)
    install, abandon, start = p.install[rows], p.abandon[rows], p.start[rows]
    status = np.where((install >= 0) & (install <= as_of), 3, np.where(
        abandon & (p.updated[rows] <= as_of), 2,
        np.where((start >= 0) & (start <= as_of), 1, 0)))
    size = p.size[rows]
    return [
        pc.take(p.pid, rows), pc.take(p.first_text, rows),
        pc.utf8_upper(_take(_text(base._LAST_NAMES), p.last_name[rows])),
        _take(_text(base._FIRST_NAMES), p.first_name[rows]), pc.take(p.label, rows),
        _take(campaign_codes, p.template[rows]),
        _take(ambassador_ids, p.ambassador[rows]), pc.take(p.email, rows),
        pc.take(p.phone, rows),
        pc.cast(pa.array(size, mask=size < 0), pa.string()),
        _take(_text([d for d, _ in base._DEPARTMENTS]), p.department[rows]),
        _take(_text(_PROJECT_LIST), p.project[rows]),
        shown(p.start), shown(p.immersion), _take(_STATUS, status), stamp,
    ]


def _write_prospects(raw: Path, rng: np.random.Generator, p: Prospects, defects: dict,
                     scale: Scale, ambassador_ids: pa.Array, campaign_codes: pa.Array) -> list:
    h = defects["households"]
    e = len(p.first)
    pid_order = np.asarray(pc.sort_indices(p.pid))
    older = p.first < _d(dt.date(2023, 1, 1))
    rejects = defects["rejects"]
    no_id = rejects[: scale.units]
    in_older = older.copy()
    in_older[h:] = False
    in_older[no_id] = True
    # the small file typed in by hand after the fairs: a few 2023-2024 households (not the
    # planted defects), some projects on two lines
    newer = ~in_older
    newer[no_id] = False
    planted = np.zeros(e, dtype=bool)
    planted[np.concatenate([defects["kept"], defects["merged"], defects["again"],
                            rejects])] = True
    pool = np.flatnonzero(newer & ~planted & (np.arange(e) < h))
    manual_n = min(5 * scale.units, 2000)
    manual = np.sort(rng.choice(pool, manual_n, replace=False))
    newer[manual] = False
    project = p.project.copy()
    project[manual[rng.random(manual_n) < 0.4]] = _MULTILINE
    project[manual[0]] = _MULTILINE
    p.project = project

    rank = np.empty(e, dtype=np.int64)
    rank[pid_order] = np.arange(e)
    written = []
    # 2020-2022: rows by case number (the row without ID first), older state of re-exports
    rows = np.flatnonzero(in_older)
    rows = rows[np.argsort(rank[rows], kind="stable")]
    as_of = np.full(len(rows), _SNAP)
    later = defects["later"]
    high = np.minimum(_d(dt.date(2022, 12, 31)), p.updated[later] - 1)
    as_of[np.searchsorted(rank[rows], rank[later])] = _between(
        rng, np.minimum(p.first[later] + 5, high), high)
    # the rows without ID go where the CRM listed them: among the others, not first
    order = np.argsort(np.where(np.isin(rows, no_id), rng.integers(0, max(len(rows), 1),
                                                                  len(rows)),
                                np.arange(len(rows))), kind="stable")
    rows, as_of = rows[order], as_of[order]
    writer = _Writer(raw / "prospects_crm_2020-2022.csv", "cp1252", ";", "\r\n",
                     list(base._HEADER_2020))
    writer.rows_of(_prospect_columns(p, rows, as_of, False, ambassador_ids, campaign_codes))
    writer.close()
    written.append(writer)

    # 2023-2024: re-exports first, then the rest by case number; blank lines here and there
    rows = np.concatenate([np.sort(defects["again"]), np.flatnonzero(newer)])
    rows = np.concatenate([rows[: len(defects["again"])],
                           rows[len(defects["again"]):][np.argsort(
                               rank[rows[len(defects["again"]):]], kind="stable")]])
    columns = _prospect_columns(p, rows, None, True, ambassador_ids, campaign_codes)
    writer = _Writer(raw / "prospects_crm_2023-2024.csv", "cp1252", ";", "\r\n",
                     list(base._HEADER_2023))
    cuts = np.sort(rng.choice(np.arange(1, len(rows)), scale.units, replace=False))
    previous = 0
    for cut in [*cuts.tolist(), len(rows)]:
        writer.rows_of([c.slice(previous, cut - previous) for c in columns])
        if cut < len(rows):
            writer.blank_line()
        previous = cut
    writer.close()
    written.append(writer)

    writer = _Writer(raw / "prospects_crm_saisie_salons.csv", "cp1252", ";", "\r\n",
                     list(base._HEADER_2023))
    writer.rows_of(_prospect_columns(p, manual, None, True, ambassador_ids, campaign_codes))
    writer.close()
    written.append(writer)
    return written


# ---------------------------------------------------------------- installations


def _write_installations(raw: Path, rng: np.random.Generator, p: Prospects, defects: dict,
                         scale: Scale, communes: dict[str, str]) -> _Writer:
    h = defects["households"]
    installed = np.flatnonzero(p.install[:h] >= 0)
    kept, merged = defects["kept"], defects["merged"]
    # half of the households registered twice and installed after the second registration
    # filed their installation under the second case number
    pid_row = np.arange(len(p.first))
    filed = (p.install[kept] > p.first[merged]) & (rng.random(len(kept)) < 0.5)
    pid_row[kept[filed]] = merged[filed]
    movers = installed[p.install[installed] <= _d(dt.date(2024, 3, 31))]
    movers = rng.choice(movers, min(scale.units, len(movers)), replace=False)
    household = np.concatenate([installed, movers])
    day = np.concatenate([p.install[installed], np.minimum(
        p.install[movers] + rng.integers(120, 301, len(movers)), _SNAP)])
    n = len(household)
    codes = list(communes)
    weights = {code: 0.25 for code in codes}
    weights.update({code: 2.0 for code in base._TOWNS if code in communes})
    weights.update({c: w for c, w in base._MAIN_COMMUNES.items() if c in communes})
    commune = _weighted(rng, [weights[c] for c in codes], n)
    size = p.size[household]
    people = np.where((size > 0) & (rng.random(n) < 0.85), size, rng.integers(1, 6, n))
    people = np.where(rng.random(n) < 0.96, people, -1)
    channel = p.channel[household]
    situation = _weighted(rng, [w for _, w in base._SITUATIONS], n)
    situations = [*_SITUATION_LIST, "Médecin"]
    situation = np.where((channel == _CH["sante"]) & (rng.random(n) < 0.85),
                         len(situations) - 1, situation)
    situation = np.where((channel == _CH["entreprise"]) & (rng.random(n) < 0.8),
                         _SITUATION_LIST.index("Salarié"), situation)
    comment = np.where(np.arange(n) >= len(installed), 0, -1)
    pid = pc.take(p.pid, pid_row[household])
    order = np.lexsort((np.asarray(pid.to_numpy(zero_copy_only=False), dtype=object).astype(str),
                        day))
    household, day, commune, people, situation, comment, pid = (
        household[order], day[order], commune[order], people[order], situation[order],
        comment[order], pc.take(pid, order))
    code_text = _take(_text(codes), commune)
    odd = rng.choice(np.flatnonzero(np.asarray(commune) != codes.index("46042")), scale.units,
                     replace=False)
    odd_mask = np.zeros(n, dtype=bool)
    odd_mask[odd] = True
    code_text = _where(odd_mask, pa.scalar("46999"), code_text)
    comment = np.where(odd_mask, 1, comment)
    width = max(4, len(str(n + 2 * scale.units)))
    iid = _cat("INS-", _num(np.arange(1, n + 1), width))
    names = _take(_text([communes[c] for c in codes]), commune)
    day_text = _dates(day)

    # defects: an unknown prospect (letter O for zero), an impossible date on the only
    # installation of an accompanied household, a row entered twice
    extra = scale.units
    unknown_pid = _cat("OML-2O21-", _num(rng.integers(1, 10_000, extra), 4))
    waiting = np.flatnonzero(defects["accompanied"] & (p.install[:h] < 0))
    waiting = np.setdiff1d(waiting, kept)
    invalid_h = rng.choice(waiting, extra, replace=False)
    extra_iid = _cat("INS-", _num(np.arange(n + 1, n + 2 * extra + 1), width))
    extra_commune = _weighted(rng, [weights[c] for c in codes], 2 * extra)
    extra_columns = [
        extra_iid, pa.concat_arrays([unknown_pid, pc.take(p.pid, invalid_h)]),
        pa.concat_arrays([_dates(rng.choice(day, extra)), _text(["31/06/2024"] * extra)]),
        _take(_text(codes), extra_commune), _take(_text([communes[c] for c in codes]),
                                                  extra_commune),
        _num(rng.integers(1, 5, 2 * extra)),
        _take(_text(_SITUATION_LIST), rng.integers(0, len(_SITUATION_LIST), 2 * extra)),
        _take(_text(["Dossier introuvable ?", "Date à confirmer"]),
              np.repeat([0, 1], extra)),
    ]
    comments = _text(["Déménagement dans le Lot", "Code commune à vérifier"])
    columns = [iid, pid, day_text, code_text, names,
               pc.cast(pa.array(people, mask=people < 0), pa.string()),
               _take(_text(situations), situation), _take(comments, comment)]
    all_columns = [pa.concat_arrays([a, b]) for a, b in zip(columns, extra_columns,
                                                            strict=True)]
    # where each row goes: row i of the sorted list at 2i; the extra rows and the repeated
    # ones right after a random row (2j + 1)
    after = rng.integers(0, n, 2 * extra)
    repeated = rng.choice(n, extra, replace=False)
    keys = np.concatenate([2 * np.arange(n), 2 * after + 1, 2 * repeated + 1])
    source = np.concatenate([np.arange(n + 2 * extra), repeated])
    order = source[np.argsort(keys, kind="stable")]
    writer = _Writer(raw / "installations.csv", "utf-8", ";", "\n", [
        "ID installation", "N° dossier", "Installé le", "Code INSEE", "Commune",
        "Personnes installées", "Situation professionnelle", "Commentaire"])
    writer.rows_of([pc.take(c, order) for c in all_columns])
    writer.close()
    return writer


# ---------------------------------------------------------------- ambassadors, campaigns


def _write_ambassadors(raw: Path, rng: np.random.Generator, ambassadors: dict,
                       ids: pa.Array, communes: dict[str, str], scale: Scale) -> _Writer:
    n = len(ids)
    kinds = _text(["Particulier", "Entreprise", "Association", "Collectivité"])
    active = ambassadors["active"].copy()
    twice = np.sort(rng.choice(n, scale.units, replace=False))
    active[twice] = 0  # « oui » in the first row, « non » in the repeat: the first wins
    columns = [ids, _iso_dates(ambassadors["joined"]),
               _take(kinds, ambassadors["kind"]), _take(_text(communes), ambassadors["code"]),
               _take(_text(communes.values()), ambassadors["code"]),
               _take(_text(["oui", "non", ""]), active)]
    repeat = [*columns[:5], _text(["non"] * len(twice))]
    order = np.argsort(np.concatenate([2 * np.arange(n), 2 * twice + 1]), kind="stable")
    writer = _Writer(raw / "ambassadeurs_export.csv", "utf-8", ",", "\n", [
        "ID ambassadeur", "Date d'adhésion", "Type", "Code commune", "Commune", "Actif"],
        bom=True)
    writer.rows_of([pc.take(pa.concat_arrays([a, pc.take(b, twice) if i < 5 else b]), order)
                    for i, (a, b) in enumerate(zip(columns, repeat, strict=True))])
    writer.close()
    return writer


def _write_campaigns(raw: Path, campaigns: dict) -> _Writer:
    n = len(campaigns["t"])
    cents = np.where(np.arange(n) % 4 == 1, 50, 0)
    euros = campaigns["budget"] * (90 + (np.arange(n) * 37) % 21) // 100
    thousands = _num(euros // 1000)
    units = _num(euros % 1000, 3)
    separator = _take(_text([" ", "\u202f", "\u00a0"]), np.arange(n) % 3)
    budget = _where(euros >= 1000, _cat(thousands, separator, units), _num(euros % 1000))
    budget = _cat(budget, ",", _num(cents, 2), "\u00a0€")
    writer = _Writer(raw / "campagnes.csv", "utf-8", ";", "\n", [
        "Code campagne", "Libellé", "Canal", "Date début", "Date fin", "Budget (€)"])
    writer.rows_of([campaigns["code"], campaigns["label"], campaigns["channel"],
                    _dates(campaigns["start"]), _dates(campaigns["end"]), budget])
    writer.close()
    return writer


# ---------------------------------------------------------------- touches


@dataclass
class Touches:
    """Every touch as numbers; its text is made a month at a time."""

    ts: np.ndarray  # seconds since 1970, local time as written
    campaign: np.ndarray  # campaign index, -1: no code (rejected)
    prospect: np.ndarray  # prospect entity named by « ID prospect », -1 none, -2 a typo
    email: np.ndarray  # >= 0 prospect entity's address, <= -10 crowd person -10-k, -1 none,
    # -2..-5 a placeholder
    variant: np.ndarray  # how the address is written (0 as is)
    action: np.ndarray
    source: np.ndarray  # -1 empty
    style: np.ndarray  # 0 ISO, 1 ISO + Z, 2 ISO + offset, 3 French, 4 French 31/02 (invalid)
    comma: np.ndarray


_ACTIONS: list[str] = []
_TEMPLATE_ACTIONS: list[tuple[int, int]] = []  # (first index, count) per template
for _c in base.CAMPAIGNS:
    _TEMPLATE_ACTIONS.append((len(_ACTIONS), len(_c.actions)))
    _ACTIONS.extend(_c.actions)
_SITE_ACTION = len(_ACTIONS)
_ACTIONS.extend(f"{kind} – {place}" for kind, place in base._TOURIST_SITES)
_IMMERSION_ACTION = _ACTIONS.index("Séjour immersion")
_FORM_ACTION = _ACTIONS.index("Formulaire web")
_SOURCES: list[str] = []
_TEMPLATE_SOURCES: list[tuple[int, int]] = []
for _c in base.CAMPAIGNS:
    _TEMPLATE_SOURCES.append((len(_SOURCES), len(_c.sources)))
    _SOURCES.extend(_c.sources)
_UNKNOWN_SOURCE_INDEX = len(_SOURCES)
_SOURCES.append(_UNKNOWN_SOURCE)
_SOURCES.append("Site internet")
_SITE_SOURCE = len(_SOURCES) - 1


def _window(rng, campaigns: dict, campaign: np.ndarray, low: np.ndarray, high: np.ndarray):
    """A day of the campaign between low and high, and whether that window is empty."""
    a = np.maximum(campaigns["start"][campaign], low)
    b = np.minimum(campaigns["end"][campaign], high)
    return _between(rng, a, b), a <= b


def _touches(rng: np.random.Generator, scale: Scale, campaigns: dict, p: Prospects,
             defects: dict) -> Touches:
    h = defects["households"]
    ncamp = len(base.CAMPAIGNS)
    t_of = campaigns["t"]
    parts: list[dict] = []

    def person_of(entities: np.ndarray) -> dict:
        n = len(entities)
        ok = p.email_ok[entities]
        with_id = ~ok | (rng.random(n) < 0.4)
        prospect = np.where(with_id, entities, -1)
        by_mail = ok & (~with_id | (rng.random(n) < 0.8))
        email = np.where(by_mail, entities, -1)
        variant = np.where(by_mail & (rng.random(n) < 0.08), rng.integers(1, 4, n), 0)
        return {"prospect": prospect, "email": email, "variant": variant}

    def add(entities, campaign, day, action=None, **fields):
        n = len(campaign)
        part = {"campaign": campaign, "day": day, **(person_of(entities) if entities is not None
                                                       else {})}
        part["action"] = action if action is not None else -1 * np.ones(n, dtype=np.int64)
        part.update(fields)
        parts.append(part)

    households = np.arange(h)
    first = p.first[:h]
    group = p.group[:h]
    # tourism postcards before the first contact
    rows, cols = np.nonzero(p.pre_touches[:h] >= 0)
    add(rows, _T["TOUR-ETE-2023"] + group[rows] * ncamp, p.pre_touches[rows, cols],
        _SITE_ACTION + p.site[rows])
    # the campaign named in the file, within the year before the first contact
    own = p.template[:h]
    has_own = (own >= 0) & (p.channel[:h] != _CH["tourisme"]) & (rng.random(h) < 0.75)
    entities = households[has_own]
    day, _ = _window(rng, campaigns, own[entities], first[entities] - 365, first[entities])
    add(entities, own[entities], np.minimum(day, first[entities]))
    # other campaigns of the household's programme running in the year before
    extra = np.array([0, 1, 2, 3])[_weighted(rng, (35, 35, 20, 10), h)]
    entities = np.repeat(households, extra)
    choices = np.array([i for i, c in enumerate(base.CAMPAIGNS) if c.code != "AMB-RESEAU"])
    campaign = choices[rng.integers(0, len(choices), len(entities))] + group[entities] * ncamp
    day, ok = _window(rng, campaigns, campaign, first[entities] - 365, first[entities])
    add(entities[ok], campaign[ok], day[ok])
    # while accompanied, newsletters and events of the programme
    later = np.where(p.start[:h] >= 0, np.array([0, 0, 1, 2])[rng.integers(0, 4, h)], 0)
    entities = np.repeat(households, later)
    campaign = choices[rng.integers(0, len(choices), len(entities))] + group[entities] * ncamp
    until = np.where(p.install[entities] >= 0, p.install[entities], _SNAP)
    day, ok = _window(rng, campaigns, campaign, first[entities] + 1, until)
    add(entities[ok], campaign[ok], day[ok])
    # an immersion stay with an employer
    stay = p.immersion[:h]
    campaign = _T["ENTR-IMM-2024"] + group * ncamp
    ok = (stay >= 0) & (stay >= campaigns["start"][campaign]) & (stay <= campaigns["end"][
        campaign])
    add(households[ok], campaign[ok], stay[ok], np.full(int(ok.sum()), _IMMERSION_ACTION))
    # the web form behind each second registration names its (merged) case number
    merged = defects["merged"]
    parts.append({"campaign": _T["WEB-CHOISIRLELOT"] + p.group[merged] * ncamp,
                  "day": p.first[merged], "prospect": merged, "email": merged,
                  "variant": np.zeros(len(merged), dtype=np.int64),
                  "action": np.full(len(merged), _FORM_ACTION),
                  "source": np.full(len(merged), _SITE_SOURCE)})
    # the web form of each rejected 31/02 row: an ID nobody knows, and its address
    bad = defects["rejects"][scale.units:]
    parts.append({"campaign": _T["WEB-CHOISIRLELOT"] + p.group[bad] * ncamp,
                  "day": np.full(len(bad), _d(dt.date(2023, 2, 27))), "prospect": bad,
                  "email": bad, "variant": np.zeros(len(bad), dtype=np.int64),
                  "action": np.full(len(bad), _FORM_ACTION)})
    # case numbers mistyped: with a household's address (found by it), or alone (anonymous)
    n = scale.units
    someone = rng.choice(np.flatnonzero(p.email_ok[:h]), n)
    web = _T["WEB-CHOISIRLELOT"] + rng.integers(0, scale.groups, 2 * n) * ncamp
    parts.append({"campaign": web, "day": _between(rng, np.full(2 * n, _d(dt.date(2021, 1, 1))),
                                                   _d(dt.date(2024, 12, 31))),
                  "prospect": np.full(2 * n, -2),
                  "email": np.concatenate([someone, np.full(n, -1)]),
                  "variant": np.zeros(2 * n, dtype=np.int64),
                  "action": np.full(2 * n, _FORM_ACTION)})

    # the crowd: people who never became households, or nobody known
    so_far = sum(len(part["campaign"]) for part in parts)
    crowd = max(UNIT_TOUCHES * scale.units - so_far - 2 * scale.units, 0)
    weights = np.array([c.crowd for c in base.CAMPAIGNS], dtype=float)
    template = _weighted(rng, weights, crowd).astype(np.int32)
    campaign = template + rng.integers(0, scale.groups, crowd, dtype=np.int32) * ncamp
    day = _between(rng, campaigns["start"][campaign], campaigns["end"][campaign]).astype(
        np.int32)
    shares = np.array([c.anonymous for c in base.CAMPAIGNS], dtype=np.float32)
    anonymous = rng.random(crowd, dtype=np.float32) < shares[template]
    del template
    new = rng.random(crowd, dtype=np.float32) < 0.6
    new[0] = True
    person = (np.cumsum(new & ~anonymous, dtype=np.int32) - 1).astype(np.int32)
    reuse = (rng.random(crowd) * (np.maximum(person, 0) + 1)).astype(np.int32)
    person = np.where(new, person, reuse)
    del new, reuse
    email = np.where(anonymous, np.int32(-1), np.int32(-10) - person)
    del person
    placeholder = ~anonymous & (rng.random(crowd, dtype=np.float32) < 0.003)
    email[placeholder] = -2 - rng.integers(0, 4, int(placeholder.sum()), dtype=np.int32)
    variant = np.zeros(crowd, dtype=np.int8)
    varied = rng.random(crowd, dtype=np.float32) < 0.03
    variant[varied] = rng.integers(1, 4, int(varied.sum()), dtype=np.int8)
    parts.append({"campaign": campaign, "day": day, "email": email, "variant": variant})
    del anonymous, placeholder, varied

    # rejected: a touch without campaign code, a touch dated 31 February (per unit); these go
    # last, their timestamp puts them in February 2023
    n = scale.units
    parts.append({"campaign": rng.integers(0, len(campaigns["t"]), n),
                  "day": np.full(n, _d(dt.date(2023, 2, 20))),
                  "email": -10 - rng.integers(0, max(1, crowd // 2), n),
                  "style": np.full(n, 4)})

    sizes = [len(part["campaign"]) for part in parts]

    def column(name: str, default: int, dtype) -> np.ndarray:
        values = np.concatenate([part.get(name, np.full(size, default))
                                 for part, size in zip(parts, sizes, strict=True)], dtype=dtype)
        for part in parts:
            part.pop(name, None)
        return values

    campaign = column("campaign", -1, np.int32)
    total = len(campaign)
    web_tool = campaigns["web"][campaign]
    hour = np.where(web_tool, rng.integers(7, 23, total, dtype=np.int32),
                    rng.integers(9, 19, total, dtype=np.int32))
    ts = column("day", -1, np.int64) * 86400 + hour * 3600 + rng.integers(
        0, 60, total, dtype=np.int32) * 60
    del hour
    template = t_of[campaign].astype(np.int16)
    action = column("action", -1, np.int16)
    first_action = np.array([a for a, _ in _TEMPLATE_ACTIONS], dtype=np.int16)[template]
    count_action = np.array([c for _, c in _TEMPLATE_ACTIONS], dtype=np.float32)[template]
    drawn = first_action + (rng.random(total, dtype=np.float32) * count_action).astype(np.int16)
    tour = template == _T["TOUR-ETE-2023"]
    drawn[tour] = _SITE_ACTION + rng.integers(0, len(base._TOURIST_SITES), int(tour.sum()),
                                              dtype=np.int16)
    action = np.where(action < 0, drawn, action)
    del first_action, count_action, drawn, tour
    source = column("source", -1, np.int16)
    first_source = np.array([a for a, _ in _TEMPLATE_SOURCES], dtype=np.int16)[template]
    count_source = np.array([c for _, c in _TEMPLATE_SOURCES], dtype=np.float32)[template]
    drawn = first_source + (rng.random(total, dtype=np.float32) * count_source).astype(np.int16)
    drawn[rng.random(total, dtype=np.float32) >= 0.7] = -1
    drawn[rng.random(total, dtype=np.float32) < 0.0005] = _UNKNOWN_SOURCE_INDEX
    source = np.where(source < 0, drawn, source)
    del first_source, count_source, drawn, template
    u = rng.random(total, dtype=np.float32)
    style = np.where(web_tool, np.where(u < 0.8, 0, np.where(u < 0.87, 1, np.where(
        u < 0.94, 2, 3))), np.where(u < 0.85, 3, 0)).astype(np.int8)
    del u, web_tool
    special = column("style", 0, np.int8)
    style = np.where(special > 0, special, style)
    del special
    lost = rng.choice(total - n, n, replace=False)
    campaign[lost] = -1
    prospect = column("prospect", -1, np.int32)
    email = column("email", -1, np.int32)
    variant = column("variant", 0, np.int8)
    comma = rng.random(total, dtype=np.float32) < 0.03
    order = np.argsort(ts, kind="stable")
    return Touches(ts[order], campaign[order], prospect[order], email[order], variant[order],
                   action[order], source[order], style[order], comma[order])


def _touch_columns(t: Touches, sl: slice, first_number: int, width: int, p: Prospects,
                   campaigns: dict) -> list[pa.Array]:
    ts, campaign = t.ts[sl], t.campaign[sl]
    n = len(ts)
    web = campaigns["web"][np.maximum(campaign, 0)]
    iid = _cat(_where(web, pa.scalar("WEB-"), pa.scalar("SAL-")),
               _num(np.arange(first_number, first_number + n), width))
    stamp = _stamps(ts)
    style = t.style[sl]
    # ISO from the web tools (now and then with Z or the offset, which keeps the local time),
    # French from the fair sheets, and the impossible 31 February (rejected)
    text = pc.utf8_replace_slice(stamp, 10, 11, "T")
    text = _patch(text, style == 1, lambda v: _cat(v, "Z"))
    month = (ts // 86400).astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12 + 1
    summer = (month >= 4) & (month <= 10)
    text = _patch(text, (style == 2) & summer, lambda v: _cat(v, "+02:00"))
    text = _patch(text, (style == 2) & ~summer, lambda v: _cat(v, "+01:00"))
    text = _patch(text, style == 3, _french, source=stamp)
    text = _patch(text, style == 4,
                  lambda v: _cat("31/02/2023 ", pc.utf8_slice_codeunits(v, 11, 16)))
    code = _take(campaigns["code"], campaign)
    source = _take(_text(_SOURCES), t.source[sl])
    action = _patch(_take(_text(_ACTIONS), t.action[sl]), t.comma[sl],
                    lambda v: _cat(v, _COMMA_SUFFIX))
    # the person: an address of a prospect, of a crowd person, a placeholder, or none
    email_ref = t.email[sl]
    own = email_ref >= 0
    crowd = email_ref <= -10
    person = np.where(crowd, -10 - email_ref, 0)
    email = _email_text(person % len(base._FIRST_NAMES),
                        (person * 7 + person // 11) % len(base._LAST_NAMES),
                        len(p.first) + 1 + person, person % len(base._DOMAINS))
    email = _patch(email, own, lambda v: _take(p.email_key, email_ref[own]))
    email = _variant(email, t.variant[sl])
    typed = np.where((email_ref <= -2) & (email_ref >= -5), -2 - email_ref, -1)
    email = _where(own | crowd, email, _take(_text(_PLACEHOLDERS), typed))
    prospect = t.prospect[sl]
    typo = prospect == -2
    seed = np.flatnonzero(typo) + first_number
    pid = _patch(_take(p.pid, prospect), typo, lambda v: _cat(
        "OML-2O2", _num(seed % 4 + 1), "-", _num(seed % 9000 + 1, 4)))
    return [iid, text, code, source, action, email, pid]


def _write_touches(raw: Path, rng: np.random.Generator, t: Touches, p: Prospects,
                   campaigns: dict, scale: Scale) -> list[_Writer]:
    months = (t.ts // 86400).astype("datetime64[D]").astype("datetime64[M]")
    bounds = np.flatnonzero(np.diff(months.astype(np.int64))) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(months)]])
    width = max(6, len(str(len(t.ts))))
    # a row entered twice (per unit), repeated right after itself: the first wins
    repeated = np.zeros(len(t.ts), dtype=bool)
    repeated[rng.choice(len(t.ts), scale.units, replace=False)] = True
    header = ["ID interaction", "Horodatage", "Code campagne", "Source", "Type d'interaction",
              "Email", "ID prospect"]

    def month(start: int, end: int) -> _Writer:
        name = f"contacts_campagnes_{str(months[start])}.csv"
        writer = _Writer(raw / name, "utf-8", ",", "\n", header, free_text=(4,))
        for a in range(start, end, _CHUNK_ROWS):
            b = min(a + _CHUNK_ROWS, end)
            columns = _touch_columns(t, slice(a, b), a + 1, width, p, campaigns)
            take = np.sort(np.concatenate([np.arange(b - a), np.flatnonzero(repeated[a:b])]))
            writer.rows_of([pc.take(c, take) for c in columns])
        writer.close()
        return writer

    # months are independent (no random draw left): one per core at a time, since pyarrow's
    # kernels release the GIL; the bytes do not depend on the order they finish in
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(month, starts.tolist(), ends.tolist()))


# ---------------------------------------------------------------- the whole set


def write_scaled(raw_dir: Path, units: int, seed: int = 46,
                 report=lambda m: print(m, file=sys.stderr)) -> list[Path]:
    """Write the exports of `units` times the programme into raw_dir; the paths written."""
    if units < 1:
        raise ValueError("--scale doit être un entier ≥ 1")
    started = time.perf_counter()
    raw = Path(raw_dir)
    raw.mkdir(parents=True, exist_ok=True)
    scale = Scale(units, math.ceil(math.sqrt(units)), seed)
    rng = np.random.default_rng([seed, units])
    communes = base.load_communes()
    campaigns = _campaigns(scale)
    ambassadors = _ambassadors(rng, scale, list(communes))
    width = max(4, len(str(len(ambassadors["joined"]))))
    ambassador_ids = _cat("AMB-", _num(np.arange(1, len(ambassadors["joined"]) + 1), width))
    p, defects = _prospects(rng, scale, campaigns, ambassadors)
    writers = _write_prospects(raw, rng, p, defects, scale, ambassador_ids, campaigns["code"])
    writers.append(_write_installations(raw, rng, p, defects, scale, communes))
    writers.append(_write_ambassadors(raw, rng, ambassadors, ambassador_ids, communes, scale))
    writers.append(_write_campaigns(raw, campaigns))
    touches = _touches(rng, scale, campaigns, p, defects)
    months = _write_touches(raw, rng, touches, p, campaigns, scale)
    seconds = time.perf_counter() - started
    for w in writers:
        report(f"  {w.path.name:<34} {w.rows:>11,} lignes  {w.path.stat().st_size / 1e6:9.1f} Mo"
               .replace(",", " "))
    size = sum(w.path.stat().st_size for w in months)
    report(f"  contacts_campagnes_AAAA-MM.csv ×{len(months):<3} {sum(w.rows for w in months):>9,}"
           f" lignes  {size / 1e6:9.1f} Mo".replace(",", " "))
    total = sum(w.path.stat().st_size for w in writers) + size
    report(f"Échelle ×{units} : {defects['households']:,} foyers suivis, "
           f"{len(campaigns['t'])} campagnes, {len(writers) + len(months)} fichiers, "
           f"{total / 1e6:.0f} Mo en {seconds:.1f} s".replace(",", " "))
    return [w.path for w in writers + months]
