"""Small-cell suppression of a table of counts, so that no hidden count can be worked back.

Pure: integers in, a pattern of hidden cells out. The rule (docs/reports.md, "Small cells"):

- **Primary**: a count with 0 < n < k shows as "< k". Zeros are shown: "nobody" is not a small
  group, and hiding zeros would hide most of a sparse table.
- **Complementary**: a line (row or column) whose total is published and that holds one hidden
  cell gets a second one, the smallest count ≥ k of that line (never a zero), or else its total
  is hidden; complementary cells show as "s" (secret statistique).
- Then, until nothing changes, every hidden cell is checked against what a reader can do with
  the totals and the visible cells, knowing that "< k" means 1…k−1 and "s" means k or more:
  the table with its totals is a transportation problem, so a hidden count is pinned down exactly
  when no cycle of ±1 moves through it stays within those bounds. A cell that can be pinned down
  gets a further complementary cell (the smallest candidate in its row or column, when that
  line's total is published, else in the table). When no candidate is left the table is withheld whole.

The totals of an axis are `SHOWN` (published with the table: they may be hidden as
complementary cells), `KNOWN` (published elsewhere, e.g. the number of active stays: never
hidden) or `NONE` (published nowhere: they give the reader no equation). The grand total is
taken as known unless the caller says it is published nowhere (`grand_total=NONE`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PRIMARY, COMPLEMENT = "primary", "complement"
SHOWN, KNOWN, NONE = "shown", "known", "none"
COMPLEMENT_MARK = "s"
INFINITY = float("inf")

Position = tuple[int, int]


def primary_mark(k: int) -> str:
    return f"< {k}"


@dataclass(frozen=True)
class Suppressed:
    """The suppression pattern of an m × n table. Positions are those of the table with its totals:
    (i, n) is the total of row i, (m, j) the total of column j, (m, n) the grand total."""

    k: int
    cells: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    col_totals: tuple[int, ...]
    grand_total: int
    hidden: Mapping[Position, str] = field(default_factory=dict)
    withheld: bool = False

    @property
    def m(self) -> int:
        return len(self.cells)

    @property
    def n(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def value(self, i: int, j: int) -> int:
        if i < self.m and j < self.n:
            return self.cells[i][j]
        if i < self.m:
            return self.row_totals[i]
        if j < self.n:
            return self.col_totals[j]
        return self.grand_total

    def shown(self, i: int, j: int) -> int | str:
        """What the published table holds at (i, j): the count, "< k" or "s"."""
        if self.withheld and (i, j) != (self.m, self.n):
            return COMPLEMENT_MARK
        kind = self.hidden.get((i, j))
        if kind == PRIMARY:
            return primary_mark(self.k)
        if kind == COMPLEMENT:
            return COMPLEMENT_MARK
        return self.value(i, j)


def suppress(cells: Sequence[Sequence[int]], k: int, *, row_totals: str = SHOWN, col_totals: str = SHOWN,
             forced: Mapping[Position, str] | None = None, pinned: Sequence[Position] = (),
             grand_total: str = KNOWN) -> Suppressed:
    """Hide the small counts of `cells` (rows × columns) and enough others to protect them.

    `forced`: positions hidden from the start (a cell hidden in a linked table), with their kind.
    `pinned`: positions that must stay visible unless they are small themselves.
    """
    table = tuple(tuple(int(v) for v in row) for row in cells)
    m = len(table)
    n = len(table[0]) if table else 0
    if any(len(row) != n for row in table) or any(v < 0 for row in table for v in row):
        raise ValueError("A rectangular table of counts ≥ 0 is expected.")
    if row_totals not in (SHOWN, KNOWN, NONE) or col_totals not in (SHOWN, KNOWN, NONE):
        raise ValueError("Totals are 'shown', 'known' or 'none'.")
    result = Suppressed(k=k, cells=table, row_totals=tuple(sum(row) for row in table),
                        col_totals=tuple(sum(table[i][j] for i in range(m)) for j in range(n)),
                        grand_total=sum(sum(row) for row in table))
    if k <= 1 or m == 0 or n == 0:
        return result
    solver = _Solver(result, row_totals, col_totals, set(pinned), grand_total == NONE)
    for (i, j) in [(i, j) for i in range(m) for j in range(n) if 0 < table[i][j] < k]:
        solver.hidden[(i, j)] = PRIMARY
    for position, kind in (forced or {}).items():
        value = result.value(*position)
        if position == (m, n) or value == 0 or solver.hidden.get(position) == PRIMARY:
            continue  # the grand total is known, zeros are shown, small cells are already hidden
        solver.hidden[position] = PRIMARY if kind == PRIMARY and value < k else COMPLEMENT
    if not solver.hidden:
        return result
    withheld = not solver.protect()
    return Suppressed(k=k, cells=table, row_totals=result.row_totals, col_totals=result.col_totals,
                      grand_total=result.grand_total, hidden=dict(solver.hidden), withheld=withheld)


def suppress_alone(counts: Sequence[int], k: int) -> Suppressed:
    """Counts that add up with nothing published (each the size of a group described by its own statistics):
    only the small ones are hidden, none can be worked back from another."""
    cells = tuple((int(v),) for v in counts)
    hidden = {(i, 0): PRIMARY for i, (v,) in enumerate(cells) if k > 1 and 0 < v < k}
    return Suppressed(k=k, cells=cells, row_totals=tuple(v for (v,) in cells), col_totals=(sum(counts),),
                      grand_total=sum(counts), hidden=hidden)


class _Solver:
    def __init__(self, table: Suppressed, row_mode: str, col_mode: str, pinned: set[Position],
                 grand_virtual: bool = False):
        self.t = table
        self.grand_virtual = grand_virtual
        self.m, self.n, self.k = table.m, table.n, table.k
        self.row_mode, self.col_mode = row_mode, col_mode
        self.pinned = pinned
        self.hidden: dict[Position, str] = {}

    # ------------------------------------------------------------ the table with its totals

    def _is_margin(self, p: Position) -> bool:
        return p[0] == self.m or p[1] == self.n

    def _virtual(self, p: Position) -> bool:
        """A total published nowhere: always unknown to the reader."""
        i, j = p
        if (i, j) == (self.m, self.n):
            return self.grand_virtual
        return (j == self.n and self.row_mode == NONE) or (i == self.m and self.col_mode == NONE)

    def _hideable_margin(self, p: Position) -> bool:
        i, j = p
        if (i, j) == (self.m, self.n):
            return False
        return (j == self.n and self.row_mode == SHOWN) or (i == self.m and self.col_mode == SHOWN)

    def _published(self, *, row: int | None = None, col: int | None = None) -> bool:
        """Does this line give the reader an equation? (a row of cells, or the row of column totals)"""
        if row is not None:
            return self.row_mode != NONE if row < self.m else self.col_mode != NONE
        return self.col_mode != NONE if col < self.n else self.row_mode != NONE

    def _lines(self) -> list[list[Position]]:
        rows = [[(i, j) for j in range(self.n + 1)] for i in range(self.m + 1)]
        cols = [[(i, j) for i in range(self.m + 1)] for j in range(self.n + 1)]
        return rows + cols

    def _unknown(self, p: Position) -> bool:
        return p in self.hidden or self._virtual(p)

    def _candidate(self, p: Position) -> bool:
        if self._unknown(p) or p in self.pinned or (p[0], p[1]) == (self.m, self.n):
            return False
        if self._is_margin(p):
            return self._hideable_margin(p) and self.t.value(*p) > 0
        return self.t.value(*p) >= self.k  # zeros stay shown; 1…k−1 are already primary

    def _pick(self, positions) -> Position | None:
        candidates = [p for p in positions if self._candidate(p)]
        if not candidates:
            return None
        # The smallest count first; a cell before a total; then reading order (stable output).
        return min(candidates, key=lambda p: (self.t.value(*p), self._is_margin(p), p))

    # ------------------------------------------------------------ protection

    def protect(self) -> bool:
        """Add complementary cells until every hidden cell is protected; False when impossible."""
        while True:
            if self._line_rule():
                continue
            exposed = next((p for p in sorted(self.hidden) if not self._movable(p)), None)
            if exposed is None:
                return True
            i, j = exposed
            # A partner helps only on a line whose total is published (elsewhere it adds no equation).
            choice = self._pick([(i, c) for c in range(self.n + 1) if self._published(row=i)]
                                + [(r, j) for r in range(self.m + 1) if self._published(col=j)])
            choice = choice or self._pick([(r, c) for r in range(self.m + 1) for c in range(self.n + 1)])
            if choice is None:
                return False
            self.hidden[choice] = COMPLEMENT

    def _line_rule(self) -> bool:
        """Each line with a hidden cell gets a second one (or its total hidden). True when it changed."""
        changed = False
        for line in self._lines():
            unknown = [p for p in line if self._unknown(p)]
            if len(unknown) == 1 and unknown[0] in self.hidden:
                choice = self._pick(line)
                if choice is not None:
                    self.hidden[choice] = COMPLEMENT
                    changed = True
        return changed

    def _bounds(self, p: Position) -> tuple[float, float]:
        """What a reader knows of a hidden count: "< k" is 1…k−1, "s" in the table is ≥ k."""
        if self._virtual(p):
            return 0, INFINITY
        if self.hidden.get(p) == PRIMARY:
            return 1, self.k - 1
        if self._is_margin(p):
            return 0, INFINITY
        return self.k, INFINITY

    def _edge(self, p: Position) -> tuple[float, float, float]:
        """(y, low, high) of a hidden position, totals sign-flipped so that every line sums to 0."""
        low, high = self._bounds(p)
        value = self.t.value(*p)
        if self._is_margin(p):
            return -value, -high, -low
        return value, low, high

    def _movable(self, v: Position) -> bool:
        """Can the reader's equations and bounds be kept while v moves by one? (a residual cycle)"""
        edges = [p for p in self._all_unknown() if p != v]
        forward: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for p in edges:
            y, low, high = self._edge(p)
            r, c = ("r", p[0]), ("c", p[1])
            if y + 1 <= high:
                forward.setdefault(r, []).append(c)
            if y - 1 >= low:
                forward.setdefault(c, []).append(r)
        y, low, high = self._edge(v)
        r, c = ("r", v[0]), ("c", v[1])
        return (y + 1 <= high and _reaches(forward, c, r)) or (y - 1 >= low and _reaches(forward, r, c))

    def _all_unknown(self) -> list[Position]:
        virtual = [(i, self.n) for i in range(self.m) if self.row_mode == NONE]
        virtual += [(self.m, j) for j in range(self.n) if self.col_mode == NONE]
        virtual += [(self.m, self.n)] if self.grand_virtual else []
        return list(self.hidden) + [p for p in virtual if p not in self.hidden]


def _reaches(graph: Mapping, start, goal) -> bool:
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False
