# The entry's doctests are the program's examples: anpl checks the whole program on them.


def is_palindrome(word: str) -> bool:
    """Whether the word reads the same backwards, ignoring case."""


def main(words: list[str]) -> list[str]:
    """Keep the palindromes, longest first (ties in input order).

    >>> main(["Anna", "bob", "cat", "level"])
    ['level', 'Anna', 'bob']
    >>> main([])
    []
    >>> main(["noon",
    ...       "x"])
    ['noon', 'x']
    """
    kept = [w for w in words if is_palindrome(w)]
    return "sort the words by length, longest first, keeping ties in order"(kept)
