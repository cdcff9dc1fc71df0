"""Sorted runs: the same order as one stable sort, whether the items fit in one run or spill."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dealledger.reports.sorted_runs import SortedRuns


@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers()), max_size=300),
    st.integers(1, 50),
)
def test_runs_give_the_order_of_one_stable_sort(items: list[tuple[int, int]], size: int) -> None:
    """Only the first element is the key: equal keys must keep their input order."""
    runs = SortedRuns(items, key=lambda item: item[0], run_size=size)
    expected = sorted(items, key=lambda item: item[0])
    assert list(runs) == expected
    assert list(runs) == expected  # a second pass reads the runs again
    assert len(runs) == len(items)
    assert bool(runs) == bool(items)
    assert runs.spilled == (len(items) > size)


def test_two_passes_may_interleave() -> None:
    runs = SortedRuns(range(5000, 0, -1), key=lambda number: number, run_size=700)
    first, second = iter(runs), iter(runs)
    assert [next(first) for _ in range(3)] == [1, 2, 3]
    assert [next(second) for _ in range(1500)] == list(range(1, 1501))
    assert [next(first) for _ in range(2)] == [4, 5]
