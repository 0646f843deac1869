"""Small-cell suppression: a reader holding the published table must not recompute any hidden count.

Each result is attacked two ways, independently of how `suppress` chose its cells:
- **linear**: every equation the totals give (row and column totals minus visible cells, and every
  combination of them) — a hidden count is exposed when its column of the system is linearly
  independent of the others (exact arithmetic on fractions);
- **bounds**: the same equations plus what the markers say ("< k" is 1…k−1, "s" inside the table is
  k or more, since zeros are shown): every completion of the table is searched for one where the
  hidden count differs.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.suppression import COMPLEMENT, KNOWN, NONE, PRIMARY, SHOWN, suppress

MODES = (SHOWN, KNOWN, NONE)


# ---------------------------------------------------------------- the reader


def _known(result, row_mode: str, col_mode: str):
    """Positions the reader knows the value of (visible cells and totals, known totals, the grand total)."""
    m, n = result.m, result.n
    known = {(m, n)}
    for i in range(m):
        for j in range(n):
            if not result.withheld and (i, j) not in result.hidden:
                known.add((i, j))
    for i in range(m):
        if row_mode == KNOWN or (row_mode == SHOWN and not result.withheld and (i, n) not in result.hidden):
            known.add((i, n))
    for j in range(n):
        if col_mode == KNOWN or (col_mode == SHOWN and not result.withheld and (m, j) not in result.hidden):
            known.add((m, j))
    return known


def _equations(result, row_mode: str, col_mode: str):
    """Each published line: the positions it adds up (+1) and its total (−1)."""
    m, n = result.m, result.n
    lines = []
    if row_mode != NONE:
        lines += [[((i, j), 1) for j in range(n)] + [((i, n), -1)] for i in range(m)]
        lines.append([((i, n), 1) for i in range(m)] + [((m, n), -1)])
    if col_mode != NONE:
        lines += [[((i, j), 1) for i in range(m)] + [((m, j), -1)] for j in range(n)]
        lines.append([((m, j), 1) for j in range(n)] + [((m, n), -1)])
    return lines


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows if any(r)]
    rank, cols = 0, len(rows[0]) if rows else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][c] != 0:
                factor = rows[r][c] / rows[rank][c]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def linearly_exposed(result, row_mode: str, col_mode: str) -> list:
    """Hidden positions whose value follows from the equations alone."""
    known = _known(result, row_mode, col_mode)
    lines = _equations(result, row_mode, col_mode)
    unknowns = sorted({p for line in lines for p, _c in line if p not in known})
    hidden = [p for p in result.hidden if p in unknowns] if not result.withheld else []
    if not unknowns:
        return hidden
    index = {p: c for c, p in enumerate(unknowns)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for p, coefficient in line:
            if p in index:
                row[index[p]] += coefficient
        matrix.append(row)
    full = _rank(matrix)
    exposed = []
    for p in hidden:
        c = index[p]
        if _rank([row[:c] + row[c + 1:] for row in matrix]) < full:
            exposed.append(p)
    return exposed


def bounds_exposed(result, row_mode: str, col_mode: str) -> list:
    """Hidden positions that take one value only over every table consistent with what is published."""
    m, n, k = result.m, result.n, result.k
    known = _known(result, row_mode, col_mode)
    cap = result.grand_total
    order = [(i, j) for i in range(m) for j in range(n) if (i, j) not in known]
    domains = {}
    for p in order:
        kind = result.hidden.get(p)
        domains[p] = range(1, k) if kind == PRIMARY else range(k, cap + 1) if kind == COMPLEMENT else range(0, cap + 1)
    row_total = {i: result.value(i, n) for i in range(m) if (i, n) in known}
    col_total = {j: result.value(m, j) for j in range(n) if (m, j) in known}
    last_in_row = {i: max((p for p in order if p[0] == i), default=None) for i in range(m)}
    last_in_col = {j: max((p for p in order if p[1] == j), default=None) for j in range(n)}

    def solutions_differ(target, predicate) -> bool:
        rows = [sum(result.cells[i][j] for j in range(n) if (i, j) in known) for i in range(m)]
        cols = [sum(result.cells[i][j] for i in range(m) if (i, j) in known) for j in range(n)]
        values = {}

        def fits(i, j) -> bool:
            if i in row_total and (rows[i] > row_total[i] or (last_in_row[i] == (i, j) and rows[i] != row_total[i])):
                return False
            if j in col_total and (cols[j] > col_total[j] or (last_in_col[j] == (i, j) and cols[j] != col_total[j])):
                return False
            return sum(rows) <= cap

        def search(step: int) -> bool:
            if step == len(order):
                return sum(rows) == cap and predicate(values)
            i, j = order[step]
            for value in domains[(i, j)]:
                if (i, j) == target and value == result.cells[i][j]:
                    continue
                rows[i] += value
                cols[j] += value
                values[(i, j)] = value
                ok = fits(i, j) and search(step + 1)
                rows[i] -= value
                cols[j] -= value
                if ok:
                    return True
                if i in row_total and rows[i] + value > row_total[i]:
                    break  # larger values only overshoot
            return False

        return search(0)

    if result.withheld:
        return []
    exposed = []
    for p in result.hidden:
        i, j = p
        if i < m and j < n:
            differs = solutions_differ(p, lambda values: True)
        elif j == n:
            actual = result.value(i, n)
            differs = solutions_differ(None, lambda values, i=i, actual=actual: sum(
                values.get((i, c), result.cells[i][c]) for c in range(n)) != actual)
        else:
            actual = result.value(m, j)
            differs = solutions_differ(None, lambda values, j=j, actual=actual: sum(
                values.get((r, j), result.cells[r][j]) for r in range(m)) != actual)
        if not differs:
            exposed.append(p)
    return exposed


def _check(cells, k, row_mode=SHOWN, col_mode=SHOWN, *, bounds=True):
    result = suppress(cells, k, row_totals=row_mode, col_totals=col_mode)
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            shown = result.shown(i, j)
            if 0 < value < k:
                assert shown == f"< {k}" or result.withheld, (cells, i, j)
            elif value == 0 and not result.withheld:
                assert shown == 0, "zeros are shown"
            elif shown not in ("s", f"< {k}"):
                assert shown == value
    assert not linearly_exposed(result, row_mode, col_mode), (cells, k, row_mode, col_mode, dict(result.hidden))
    if bounds:
        assert not bounds_exposed(result, row_mode, col_mode), (cells, k, row_mode, col_mode, dict(result.hidden))
    return result


# ---------------------------------------------------------------- hand cases


def test_threshold_one_hides_nothing():
    result = suppress([[1, 2], [0, 3]], 1)
    assert not result.hidden and result.shown(0, 0) == 1


def test_a_table_without_small_counts_is_left_whole():
    assert not suppress([[5, 9], [0, 12]], 5).hidden


def test_one_small_cell_gets_a_partner_in_its_row_and_its_column():
    result = _check([[2, 10, 30], [10, 10, 30], [40, 50, 60]], 5)
    assert result.hidden[(0, 0)] == PRIMARY
    # The smallest counts of its row and column go with it, then a fourth closes the rectangle.
    assert set(result.hidden) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert result.shown(0, 0) == "< 5" and result.shown(0, 1) == "s"
    assert result.shown(0, 3) == 42 and not result.withheld


def test_zeros_are_shown_and_never_used_as_complements():
    result = _check([[3, 0, 9], [0, 0, 8], [7, 6, 0]], 5)
    assert all(result.cells[i][j] != 0 for (i, j) in result.hidden if i < 3 and j < 3)
    assert result.shown(0, 1) == 0


def test_two_ones_in_a_line_are_not_left_alone():
    # "< 5" + "< 5" = 2 would give 1 and 1: a third cell has to go.
    result = _check([[1, 1, 20], [9, 9, 20]], 5, row_mode=SHOWN, col_mode=NONE)
    assert len([p for p in result.hidden if p[0] == 0]) >= 3 or (0, 3) in result.hidden


def test_a_bridge_between_two_protected_blocks_is_protected_too():
    cells = [[1, 6, 0, 0, 9], [6, 6, 0, 0, 9], [0, 2, 7, 6, 9], [0, 0, 6, 6, 9], [9, 9, 9, 9, 9]]
    _check(cells, 5)


def test_a_lonely_small_count_under_a_known_total_withholds_the_table():
    # All three refusals have the same reason: the count is its column's known total.
    result = _check([[3], [0], [0]], 5, row_mode=NONE, col_mode=KNOWN)
    assert result.withheld and result.shown(0, 0) == "s" and result.shown(1, 0) == "s"


def test_totals_are_hidden_when_a_line_has_nothing_else():
    result = _check([[2, 0], [7, 9]], 5)
    assert (0, 2) in result.hidden or result.withheld


def test_threshold_two_cannot_hide_a_one_when_zeros_are_shown():
    # "< 2" reads as exactly 1: a table with a 1 and a published total is withheld.
    assert suppress([[1, 7], [8, 9]], 2).withheld


def test_without_published_totals_only_the_small_counts_go():
    result = _check([[1, 7], [8, 3]], 5, row_mode=NONE, col_mode=NONE)
    assert set(result.hidden) == {(0, 0), (1, 1)}


def test_forced_cells_start_hidden():
    result = suppress([[10, 20], [30, 40]], 5, row_totals=NONE, col_totals=SHOWN, forced={(2, 0): COMPLEMENT})
    assert (2, 0) in result.hidden and (2, 1) in result.hidden


def test_pinned_cells_stay_visible():
    result = suppress([[2, 9, 12], [9, 9, 9]], 5, row_totals=SHOWN, col_totals=NONE, pinned=[(0, 1)])
    assert (0, 1) not in result.hidden and (0, 0) in result.hidden


def test_a_ragged_or_negative_table_is_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]], 5)
    with pytest.raises(ValueError):
        suppress([[1, -2]], 5)


# ---------------------------------------------------------------- random tables


def _tables(max_rows, max_cols, max_value):
    return st.integers(1, max_rows).flatmap(lambda m: st.integers(1, max_cols).flatmap(
        lambda n: st.lists(st.lists(st.integers(0, max_value), min_size=n, max_size=n), min_size=m, max_size=m)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=_tables(6, 5, 25), k=st.integers(2, 10), row_mode=st.sampled_from(MODES),
       col_mode=st.sampled_from(MODES))
def test_no_hidden_count_follows_from_the_totals(cells, k, row_mode, col_mode):
    _check(cells, k, row_mode, col_mode, bounds=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=_tables(3, 3, 9), k=st.integers(3, 6), row_mode=st.sampled_from(MODES),
       col_mode=st.sampled_from(MODES))
def test_no_hidden_count_follows_from_the_totals_and_the_markers(cells, k, row_mode, col_mode):
    _check(cells, k, row_mode, col_mode)


@settings(max_examples=200, deadline=None)
@given(cells=_tables(8, 4, 40), k=st.integers(3, 6))
def test_a_table_is_withheld_only_when_a_small_count_has_no_big_neighbour(cells, k):
    """Under known column totals, a small count is protected by a count ≥ k + 1 of its column
    (they can trade one unit); a table where every such column has one is never withheld."""
    result = _check(cells, k, NONE, KNOWN, bounds=False)
    columns = range(len(cells[0]))
    protectable = all(any(row[j] > k for row in cells) for j in columns if any(0 < row[j] < k for row in cells))
    if protectable:
        assert not result.withheld, (cells, k)


def test_a_count_of_exactly_k_beside_a_one_is_not_enough():
    # 1 + 3 + 3 = 7 with "s" ≥ 3: the 1 could only be 1. Nothing else to hide: withheld.
    assert suppress([[1], [3], [3]], 3, row_totals=NONE, col_totals=KNOWN).withheld
