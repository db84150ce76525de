from hypothesis import given, strategies as st

from transforms.spans import first_come, longest_first

_SPANS = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1])), max_size=12)


def _plain_first_come(spans):
    kept = []  # the rule as written: compared with every span kept before
    for start, end in spans:
        if not any(start < k_end and k_start < end for k_start, k_end in kept):
            kept.append((start, end))
    return kept


@given(_SPANS)
def test_the_first_come_keeps_its_place(spans):
    assert first_come(spans, lambda s: s) == _plain_first_come(spans)


@given(_SPANS)
def test_the_longest_then_the_earliest_is_kept(spans):
    ordered = sorted(spans, key=lambda s: (s[0] - s[1], s[0]))
    assert longest_first(spans, lambda s: s) == sorted(_plain_first_come(ordered), key=lambda s: s[0])


def test_a_span_next_to_a_kept_one_is_kept():
    assert first_come([(0, 5), (5, 9), (4, 6)], lambda s: s) == [(0, 5), (5, 9)]
