# A text task: the most frequent words of a text, capitalised.
# Named holes carry doctest examples; inline holes are described where they are used.
import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    """Count how often each word occurs, ignoring case and punctuation.

    >>> count_words("A a, b!")
    {'a': 2, 'b': 1}
    >>> count_words("")
    {}
    """


def main(text: str) -> list[str]:
    counts = count_words(text)
    top = "the k most frequent words, ties broken alphabetically"(counts, 3)
    return `capitalize each word`(top)
