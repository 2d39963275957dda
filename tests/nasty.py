"""Hypothesis strategies for the input classes that once answered 500: text that looks like a number to
`str.isdigit()` or `Decimal()` but is none the app should read, and numbers too large to compute with."""
from hypothesis import strategies as st

# str.isdigit() is true for each, int() refuses some and reads others as digits nobody typed.
UNICODE_DIGITS = "²³¹⁰⁴①②⑳０１２３٠١٢٣۴०१২৩𝟘𝟙𝟚"
FRAGMENTS = [
    *UNICODE_DIGITS, *"0123456789", ".", ",", "+", "-", "e", "E", " ", "．", "，", "－", "＋", "\u3000", "。",
    "\x00", "\x01", "\t", "\r", "\n", "\x7f", "\u200b", "NaN", "nan", "Infinity", "-inf", "sNaN", "e9999999",
    "e-9999999", "E+99999999999", "1e999999", "9" * 50, "1" * 4400, "0.30000000000000004", "=", "@", "＝",
]


def nasty_text(max_fragments: int = 8) -> st.SearchStrategy[str]:
    """Strings assembled from the fragments above, mixed with arbitrary short text."""
    joined = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=max_fragments).map("".join)
    return joined | st.text(max_size=30)
