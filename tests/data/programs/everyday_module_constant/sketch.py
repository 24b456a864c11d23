VOWELS = "the set of lowercase English vowels"()


class Text:
    def __init__(self, s):
        self.s = s

    def vowel_count(self) -> int:
        """How many characters of self.s, any case, are in VOWELS."""


def main(s: str) -> int:
    """Count vowels.

    >>> main('Banana')
    3
    >>> main('xyz')
    0
    """
    return Text(s).vowel_count()
