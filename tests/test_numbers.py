from hypothesis import given, strategies as st

from transforms.numbers import parse_number, scale_factor


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_thousands_separators(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)))
def test_parse_number_reads_decimals(x):
    assert parse_number(f"{x:.2f}") == float(f"{x:.2f}")


def test_number_words_and_scales():
    assert parse_number("three") == 3 and parse_number("a dozen") == 12
    assert parse_number("lots") is None
    assert scale_factor("bn") == 1e9 and scale_factor("mil") == 1e6 and scale_factor(None) == 1
