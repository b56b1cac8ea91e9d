"""The bilan as a PDF: a document (plain data: sections, sentences, tables, charts) typeset by
Typst through its Python package, fonts embedded, no browser; and the territory map as SVG.

Text from the exports (campaign labels, file names, interaction types) never enters Typst
source: the whole document goes in as one JSON value (`sys.inputs`), and the template shows
its strings as text, so `#`, `$`, `*`, `[`, `<`, `@` or `\\` print as themselves."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import typst

from .. import config, pii

TEMPLATE = Path(__file__).resolve().parent / "bilan.typ"


class RenderError(RuntimeError):
    """Typst refused the document (a defect of the template, never of the data)."""


# Direction overrides and isolates, dropped from the document's text too (file names and
# messages do not go through staging's no_bidi).
_BIDI = re.compile(pii.DIRECTION_CONTROLS)
# A run of this many characters without a space cannot break: Typst lets it run over the next
# table columns (« SALON_VIVRE_ET_TRAVAILLER_A_LA_CAMPAGNE_2024… » covered a budget).
# (30: a file name such as « prospects_crm_2020-2022.csv » stays whole, searchable and copied
# as it is; a column of the bilan's tables holds some 40 characters)
LONGEST_UNBROKEN = 30
_UNBROKEN = re.compile(rf"[^\s\u200b]{{{LONGEST_UNBROKEN + 1},}}")
_AFTER = re.compile(r"([_\-/.,;:)\]])")
ZWSP = "\u200b"  # an invisible place where a line may break


# Emoji: Typst's own fonts have none, and « Salon 🎪 2024 » printed a box in the committee's
# PDF. Dropped from the document's text, with the space they leave: the pictographs' planes,
# the symbols shown as emoji by default (Unicode's Emoji_Presentation: ✨ ✅ ⭐ …), flags'
# letters, skin tones, keycaps, the joiner of emoji sequences and the emoji variation
# selector. Text symbols the fonts hold (✓ ★ ☀ ❤ → €) stay.
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u231A\u231B\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE"
    "\u2614\u2615\u2648-\u2653\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4"
    "\u26C5\u26CE\u26D4\u26EA\u26F2\u26F3\u26F5\u26FA\u26FD\u2705\u270A\u270B"
    "\u2728\u274C\u274E\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF\u2B1B\u2B1C"
    "\u2B50\u2B55\u200D\uFE0F\u20E3]+")


def _without_emoji(text: str) -> str:
    if not _EMOJI.search(text):
        return text
    shown = re.sub(r"(\S)[ \t]+(?=[ \t])", r"\1", _EMOJI.sub("", text))
    return shown.strip() or "–"


def _breakable(text: str) -> str:
    """Text as the bilan may typeset it: no direction override nor emoji, and a break
    opportunity in every long run without a space (after its _, -, /, . …, else every
    LONGEST_UNBROKEN characters); looks the same when it fits."""
    def split(match: re.Match) -> str:
        pieces = _AFTER.sub(rf"\1{ZWSP}", match.group()).split(ZWSP)
        return ZWSP.join(ZWSP.join(piece[i:i + LONGEST_UNBROKEN]
                                   for i in range(0, len(piece), LONGEST_UNBROKEN))
                         for piece in pieces)
    return _UNBROKEN.sub(split, _without_emoji(_BIDI.sub("", text)))


def _typeset_text(value: object, key: str | None = None) -> object:
    """Every string of a document made _breakable (the map's SVG, not text, kept as it is)."""
    if isinstance(value, str):
        return value if key == "svg" else _breakable(value)
    if isinstance(value, dict):
        return {k: _typeset_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typeset_text(v) for v in value]
    return value


def pdf(document: dict) -> bytes:
    """The PDF of a document: A4, fonts embedded (Typst's own, never the machine's, so every
    machine gives the same bytes), no creation date."""
    compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
    try:
        return compiler.compile(format="pdf", sys_inputs={
            "data": json.dumps(_typeset_text(document), ensure_ascii=False, allow_nan=False)})
    except typst.TypstError as exc:  # pragma: no cover - a template defect
        raise RenderError(f"Typst : {exc.message}") from exc


# --- The map --------------------------------------------------------------------------------

WIDTH = 480.0  # SVG user units; the template scales the picture to its column


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@cache
def _features(name: str) -> tuple[tuple[str, tuple], ...]:
    collection = json.loads((config.GEO_DIR / name).read_text(encoding="utf-8"))
    return tuple((feature["properties"]["code"], tuple(
        tuple(map(tuple, ring)) for ring in _rings(feature["geometry"])))
        for feature in collection["features"])


def _projection() -> tuple[float, float, float, float]:
    """(west, north, scale x, scale y) of an equirectangular view of the Lot, true to its
    latitude."""
    points = [p for _, rings in _features("epci-46.geojson") for ring in rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * squeeze)
    return west, north, scale * squeeze, scale, (north - south) * scale


def _path(rings: tuple, projection: tuple) -> str:
    west, north, sx, sy, _ = projection
    return " ".join(
        "M" + " L".join(f"{(lon - west) * sx:.1f},{(north - lat) * sy:.1f}" for lon, lat in ring)
        + " Z" for ring in rings)


def map_svg(fills: dict[str, str], default: str = "#ffffff",
            hatched: frozenset[str] = frozenset()) -> str:
    """The intercommunalities of the Lot filled with `fills` (EPCI code -> colour), hatched
    where `hatched` (a secret figure), the communes' outlines in thin grey; no text (the
    legend and the labels are the template's, as real text)."""
    projection = _projection()
    height = projection[4]
    shapes = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {WIDTH + 4:.0f} '
        f'{height + 4:.0f}" width="{WIDTH + 4:.0f}" height="{height + 4:.0f}">',
        '<defs><pattern id="secret" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888888" stroke-width="2"/></pattern></defs>',
    ]
    for code, rings in _features("epci-46.geojson"):
        fill = "url(#secret)" if code in hatched else fills.get(code, default)
        shapes.append(f'<path d="{_path(rings, projection)}" fill="{fill}" stroke="none"/>')
    communes = " ".join(_path(rings, projection) for _, rings in _features("communes-46.geojson"))
    shapes.append(f'<path d="{communes}" fill="none" stroke="#ffffff" stroke-width="0.4" '
                  'stroke-opacity="0.8"/>')
    for _, rings in _features("epci-46.geojson"):
        shapes.append(f'<path d="{_path(rings, projection)}" fill="none" stroke="#333333" '
                      'stroke-width="0.9"/>')
    shapes.append("</svg>")
    return "\n".join(shapes)


def label_positions() -> dict[str, tuple[float, float]]:
    """Where to write each intercommunality's label on the map: the centre of its largest
    ring, as fractions of the map's width and height."""
    west, north, sx, sy, height = _projection()
    positions = {}
    for code, rings in _features("epci-46.geojson"):
        ring = max(rings, key=len)
        x = sum((lon - west) * sx for lon, _ in ring) / len(ring)
        y = sum((north - lat) * sy for _, lat in ring) / len(ring)
        positions[code] = ((x + 2) / (WIDTH + 4), (y + 2) / (height + 4))
    return positions


# The map's labels as the template writes them (bilan.typ, map_): 6.5 pt text on a map 55 %
# of an A4 page's text width (174 mm, less the gutter), about 265 pt wide.
MAP_PT = 265.0
LABEL_PT = 6.5
LABEL_CHAR_PT = 0.55 * LABEL_PT  # a wide average character of the bilan's font
LABEL_LINE_PT = 1.25 * LABEL_PT
LABEL_GAP_PT = 1.5


def spread_labels(labels: list[dict]) -> list[dict]:
    """The labels ({x, y, text} in fractions of the map) with those that would overlap moved
    apart vertically, the upper one kept in place: « Lalbenque-Limogne » and « Ouest Aveyron »
    ran into each other. Sizes are estimated from the characters (the template sets the text)."""
    height = MAP_PT * (_projection()[4] + 4) / (WIDTH + 4)
    boxes, placed = [], []
    for label in sorted(labels, key=lambda label: label["y"]):
        lines = label["text"].split("\n")
        w = max(len(line) for line in lines) * LABEL_CHAR_PT + 2.4
        h = len(lines) * LABEL_LINE_PT + 2.4
        x, y = label["x"] * MAP_PT, label["y"] * height
        moved = True
        while moved:
            moved = False
            for bx, by, bw, bh in boxes:
                if abs(x - bx) * 2 < w + bw + LABEL_GAP_PT and \
                        abs(y - by) * 2 < h + bh + LABEL_GAP_PT:
                    y = by + (bh + h) / 2 + LABEL_GAP_PT  # just under the one above
                    moved = True
        boxes.append((x, y, w, h))
        placed.append({**label, "y": min(y, height - h / 2) / height})
    return placed
