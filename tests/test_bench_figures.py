import pytest

from bench.run import marks_vs_empty


def test_the_ratio_is_taken_round_by_round():
    # The machine slowed between the rounds; both servers slowed alike.
    assert marks_vs_empty([(100, 100), (80, 80), (60, 60)]) == pytest.approx(1.0)


def test_a_page_that_slows_with_the_marks_shows_it():
    assert marks_vs_empty([(80, 100), (64, 80), (48, 60)]) == pytest.approx(0.8)


def test_one_unusual_round_does_not_decide():
    assert marks_vs_empty([(100, 100), (70, 100), (100, 100)]) == pytest.approx(1.0)


def test_no_rounds_is_an_error():
    with pytest.raises(ValueError):
        marks_vs_empty([])
