"""Small-count protection of the bilans (statistical disclosure control, as INSEE protects its
tables). A count of households or persons from 1 to threshold − 1 is published « < 5 » (primary
secret); a rate on it is withheld. Where a line of a table (its cells and their total) would
let a reader recover a masked cell by subtraction, more cells are masked, published « (s) »
(secondary secret), until every masked cell of every line can take at least two values."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from .. import french

SHOWN, SMALL, SECONDARY = "shown", "small", "secondary"
# Masked with its very presence: the cell may be 0. A line that nothing shown can protect any
# more (« 1 à 2 » households in two communes each « 1 à 2 » tells each is 1) has all its parts
# blanked (Table.blank_parts), and so has every small intercommunality's (territory_table):
# a reader cannot tell which ones are empty.
BLANKED = "blanked"
SECONDARY_MARK = "(s)"


def small_mark(threshold: int) -> str:
    return f"<\u00a0{french.number(threshold)}"


def is_small(value: float | None, threshold: int) -> bool:
    """A count (or a credit, a share of households) that the primary secret masks: 0 < v < t."""
    return value is not None and not math.isnan(value) and 0 < value < threshold


def gives_away(count: float, beside_masked: bool, threshold: int) -> bool:
    """Whether a count not protected itself must be masked beside a masked one it bounds:
    interactions (at least one person each) fewer than the threshold beside masked persons
    (« 1 interaction » beside « < 5 personnes » said there was one)."""
    return beside_masked and count < threshold


@dataclass
class Line:
    """Cells whose values add up to `total` (additive), or whose total is not their sum
    (distinct persons over types: `additive=False`), where only the count of masked cells can
    be checked."""

    parts: list[Hashable]
    total: Hashable | None = None
    additive: bool = True

    def signed(self) -> list[tuple[Hashable, int]]:
        """Each member with its sign in Σ sign · value = 0 (the parts +1, the total −1)."""
        return [(key, 1) for key in self.parts] + ([(self.total, -1)] if self.total else [])


@dataclass
class Table:
    """The figures of one published table and the lines a reader could subtract along."""

    threshold: int
    # counts of households or persons (a reader knows a masked one is a whole number); False
    # for attribution credits, shares of households
    integer: bool = True
    values: dict[Hashable, float] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    states: dict[Hashable, str] = field(default_factory=dict)
    # figures published elsewhere (a card other pages show too): never masked here
    public: set[Hashable] = field(default_factory=set)
    # a line still exposed once every shown figure of it is masked: blank its parts (BLANKED),
    # zeros included; without it, the line is left as it is
    blank_parts: bool = False
    # the lines read together (an intercommunality's communes bound it, and that bound feeds
    # the line of the intercommunalities: a reader combines them), not only one by one
    joint: bool = True
    # states set before the secondary secret (cells masked whatever their lines say)
    preset: dict[Hashable, str] = field(default_factory=dict)
    # cells no mask frees (left pinned rather than hiding more for nothing)
    hopeless: set[Hashable] = field(default_factory=set, repr=False)

    def add(self, key: Hashable, value: float | None) -> Hashable:
        self.values[key] = 0.0 if value is None or math.isnan(value) else float(value)
        return key

    def line(self, parts: Iterable[Hashable], total: Hashable | None = None,
             additive: bool = True) -> None:
        self.lines.append(Line(list(parts), total, additive))

    def protect(self) -> Table:
        """Primary then secondary secret; returns self with `states` set."""
        self.hopeless = set()
        # (a public figure is shown elsewhere, however small: it is known here too)
        self.states = {key: SMALL if is_small(value, self.threshold) and key not in self.public
                       else SHOWN for key, value in self.values.items()} | self.preset
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                while exposed(line, self.values, self.states, self.threshold,
                              self.integer):
                    candidate = _next_to_mask(line, self.values, self.states, self.public)
                    if candidate is not None:
                        self.states[candidate] = SECONDARY
                    else:
                        blank = [key for key in line.parts if self.states[key] != BLANKED]
                        if not (self.blank_parts and blank):
                            break
                        for key in blank:
                            self.states[key] = BLANKED
                    changed = True
            if self.joint and not changed:
                changed = self._protect_jointly()
        return self

    def _protect_jointly(self) -> bool:
        """One more cell masked (or one line blanked) where the lines read together pin a
        masked cell, kept only if it frees that cell; False when none is pinned, or nothing
        frees it (a cell no mask can free is left: masking more would hide for nothing)."""
        known = joint_bounds(self.lines, self.values, self.states, self.threshold,
                             self.integer)
        hopeless = self.hopeless
        for key, (low, high) in known.items():
            if self.states[key] == SHOWN or high - low >= 1 or key in hopeless:
                continue
            lines = [line for line in self.lines if key in line.parts or key == line.total]
            # the next cell of one of its lines, else (last resort) a whole line blanked
            changes = [{candidate: SECONDARY} for candidate in
                       (_next_to_mask(line, self.values, self.states, self.public)
                        for line in lines) if candidate is not None]
            if self.blank_parts:
                changes += [{part: BLANKED for part in line.parts
                             if self.states[part] != BLANKED} for line in lines]
            for change in filter(None, changes):
                before = {cell: self.states[cell] for cell in change}
                self.states.update(change)
                low, high = joint_bounds(self.lines, self.values, self.states,
                                         self.threshold, self.integer)[key]
                if high - low >= 1:
                    return True
                self.states.update(before)
            hopeless.add(key)
        return False

    def state(self, key: Hashable) -> str:
        return self.states.get(key, SHOWN)

    def masked(self, key: Hashable) -> bool:
        return self.state(key) != SHOWN

    def text(self, key: Hashable, formatter) -> str:
        """The cell as published: its formatted value, « < 5 » or « (s) »."""
        state = self.states.get(key, SHOWN)
        if state == SMALL:
            return small_mark(self.threshold)
        if state in (SECONDARY, BLANKED):
            return SECONDARY_MARK
        return formatter(self.values[key])

    def told(self, key: Hashable, singular: str, plural_form: str, none: str,
             unpublished: str) -> str:
        """A count and its verb as a sentence says them: « 3 ont fait … », « moins de 5 ont
        fait … », `unpublished` where the secondary secret hides it, `none` for 0 (a table's
        « < 5 » and « (s) » read as typos in a sentence: « (s) ont fait », « 0 a fait »)."""
        state = self.state(key)
        if state == SMALL:
            return f"{self.said(key, french.number)} {plural_form}"
        if state != SHOWN:
            return unpublished
        value = self.values[key]
        if not value:
            return none
        return f"{french.number(value)} {french.plural(value, singular, plural_form)}"

    def said(self, key: Hashable, formatter) -> str:
        """The cell as a sentence says it: its value, « moins de 5 », or « un nombre non
        publié de » (a table's « < 5 » and « (s) » read as typos in a sentence: « Sur 5 foyers
        suivis, < 5 ont été accompagnés (–) »)."""
        state = self.state(key)
        if state == SMALL:
            return f"moins de {french.number(self.threshold)}"
        if state in (SECONDARY, BLANKED):
            return "un nombre non publié de"
        return formatter(self.values[key])


def territory_table(communes: list[tuple[str, str, int]], epci: list[tuple[str, int]],
                    installed: int, elsewhere: int, threshold: int) -> Table:
    """The installed households of the territory page, to protect: each commune of the Lot
    (code, intercommunality, households) and each intercommunality (code, households), with
    the lines a reader can subtract along: each intercommunality's communes and its figure;
    the intercommunalities, elsewhere and the installed households (a card, the same on
    every page: public); the communes and elsewhere, and that card. Every small
    intercommunality's communes are masked with their presence (were they blanked only where
    two communes held one each, a grey intercommunality would tell « exactly 2 »). The bilan
    protects its intercommunalities over what this masks, so that the two read together tell nothing
    more."""
    table = Table(threshold, public={"total"}, blank_parts=True, joint=True)
    for code, _, n in communes:
        table.add(("commune", code), n)
    for code, n in epci:
        table.add(("epci", code), n)
        members = [commune for commune, owner, _ in communes if owner == code]
        table.line([("commune", c) for c in members], ("epci", code))
        if is_small(n, threshold):
            table.preset.update(dict.fromkeys((("commune", c) for c in members), BLANKED))
    table.add("elsewhere", elsewhere)
    table.add("total", installed)
    table.line([("epci", code) for code, _ in epci] + ["elsewhere"], "total")
    table.line([("commune", code) for code, _, _ in communes] + ["elsewhere"], "total")
    return table


def places_told(places: Iterable[tuple[float, str]]) -> tuple[int, bool]:
    """Of places (households, state), those with a household that a reader tells apart, and
    whether some are masked with their presence (BLANKED): then their exact count, beside the
    others, would tell how many of them have one (« au moins N communes »)."""
    told, blanked = 0, False
    for households, state in places:
        blanked = blanked or state == BLANKED
        told += households > 0 and state != BLANKED
    return told, blanked


def bounds(state: str, threshold: int, integer: bool = True) -> tuple[float, float]:
    """What a reader knows of a masked cell from its mark."""
    if state == SMALL:
        return (1, threshold - 1) if integer else (0, threshold)
    if state == BLANKED:
        return (0, math.inf)
    return (threshold, math.inf)


def _sums_of_the_others(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """For each interval, the interval of the sum of all the others: the whole sum less its
    own, infinite ends counted apart (linear in the line's length, not quadratic: a line of
    the 312 communes)."""
    low_finite = sum(lo for lo, _ in intervals if lo != -math.inf)
    high_finite = sum(hi for _, hi in intervals if hi != math.inf)
    low_infinite = sum(lo == -math.inf for lo, _ in intervals)
    high_infinite = sum(hi == math.inf for _, hi in intervals)
    return [(-math.inf if low_infinite - (lo == -math.inf) else
             low_finite - (lo if lo != -math.inf else 0.0),
             math.inf if high_infinite - (hi == math.inf) else
             high_finite - (hi if hi != math.inf else 0.0)) for lo, hi in intervals]


def feasible(line: Line, values: dict, states: dict, threshold: int,
             integer: bool = True) -> dict:
    """For each masked member of an additive line, the interval of values it can take given
    the line's published members (sum of parts = total)."""
    members = line.signed()
    hidden = [(key, sign) for key, sign in members if states[key] != SHOWN]
    known = -sum(sign * values[key] for key, sign in members if states[key] == SHOWN)
    # each hidden member's signed interval, and the sum of the others'
    signed = [sorted(sign * b for b in bounds(states[key], threshold, integer))
              for key, sign in hidden]
    result = {}
    for (key, sign), (low, high) in zip(hidden, _sums_of_the_others(signed), strict=True):
        # sign · x = known − (sum of the others)
        first, second = sorted(((known - high) * sign, (known - low) * sign))
        own_low, own_high = bounds(states[key], threshold, integer)
        result[key] = (max(own_low, first), min(own_high, second))
    return result


def _whole_numbers(low: float, high: float) -> tuple[float, float]:
    """The whole numbers of [low, high] (a count: [1, 2.5] is [1, 2]), infinite ends kept."""
    return (low if math.isinf(low) else float(math.ceil(low - 1e-9)),
            high if math.isinf(high) else float(math.floor(high + 1e-9)))


def joint_bounds(lines: list[Line], values: dict, states: dict, threshold: int,
                 integer: bool = True, rounds: int = 50) -> dict:
    """What a reader knows of every cell from all the additive lines together: each masked
    cell's interval, narrowed line by line from the others' intervals until nothing moves
    (a shown cell is its value). Sound, not complete: a pinned cell is surely recoverable."""
    known = {key: (value, value) if states[key] == SHOWN else
             bounds(states[key], threshold, integer) for key, value in values.items()}
    for _ in range(rounds):
        moved = False
        for line in lines:
            if not line.additive:
                continue
            members = line.signed()
            # Σ sign · x = 0: each member's sign · x is minus the others' sum
            signed = [sorted((sign * known[key][0], sign * known[key][1]))
                      for key, sign in members]
            for (key, sign), (others_low, others_high) in zip(
                    members, _sums_of_the_others(signed), strict=True):
                if states[key] == SHOWN:
                    continue
                first, second = sorted((-others_high * sign, -others_low * sign))
                low, high = known[key]
                narrowed = (max(low, first), min(high, second))
                if integer:
                    narrowed = _whole_numbers(*narrowed)
                if narrowed[0] > low + 1e-9 or narrowed[1] < high - 1e-9:
                    known[key] = narrowed
                    moved = True
        if not moved:
            break
    return known


def exposed(line: Line, values: dict, states: dict, threshold: int,
            integer: bool = True) -> bool:
    """Whether a masked member of the line is known (to within less than 1) from the others."""
    members = line.parts + ([line.total] if line.total else [])
    masked = [key for key in members if states[key] != SHOWN]
    if len(masked) == 1:
        return True
    if not line.additive or not masked:
        return False
    intervals = feasible(line, values, states, threshold, integer).values()
    return any(high - low < 1 for low, high in intervals)


def _next_to_mask(line: Line, values: dict, states: dict,
                  public: set[Hashable] = frozenset()) -> Hashable | None:
    """The smallest published non-zero part of the line (a zero tells nothing), else its
    total (unless it is public)."""
    parts = [key for key in line.parts
             if states[key] == SHOWN and values[key] > 0 and key not in public]
    if parts:
        return min(parts, key=lambda key: (values[key], str(key)))
    if line.total and states[line.total] == SHOWN and values[line.total] > 0 \
            and line.total not in public:
        return line.total
    return None
