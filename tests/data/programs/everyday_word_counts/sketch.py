from collections import Counter


def main(text: str) -> dict:
    """Count the words, ignoring case and punctuation.

    >>> main("A a, b!")
    {'a': 2, 'b': 1}
    """
    words = "split the text into lowercase words without punctuation"(text=text)
    return "count each word"(words)
