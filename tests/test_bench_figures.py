import pytest

from bench.run import marks_vs_empty


def test_a_steady_drift_of_the_machine_cancels_out():
    # The machine slows by 10 req/s per run; the table's size changes nothing.
    assert marks_vs_empty([100, 80, 60], [90, 70]) == pytest.approx(1.0)


def test_a_page_that_slows_with_the_marks_shows_it_despite_the_drift():
    # With the marks, every run is 20% slower than it would be with an empty table.
    assert marks_vs_empty([80, 64, 48], [90, 70]) == pytest.approx(0.8)


def test_one_round_on_a_slow_stretch_of_the_machine_does_not_decide():
    # The second empty-table run landed on a stretch where the machine ran at 70% speed.
    assert marks_vs_empty([100, 100, 100, 100], [100, 70, 100]) == pytest.approx(1.0)


def test_each_empty_table_run_needs_a_full_table_run_either_side():
    with pytest.raises(ValueError):
        marks_vs_empty([100, 90], [95, 85])
