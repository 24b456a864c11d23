# Quick start: a sketch the offline synthesizer fills completely, no model needed.
# Each hole is a function whose body is only a docstring: a description and examples.


def words(text: str) -> list[str]:
    """Split the text into words, lower-cased.

    >>> words("Hello big World")
    ['hello', 'big', 'world']
    >>> words("A b")
    ['a', 'b']
    """


def long_words(ws: list[str]) -> list[str]:
    """The words longer than 3 letters.

    >>> long_words(['hello', 'big', 'world'])
    ['hello', 'world']
    >>> long_words(['r2d2', 'xyz', 'abcd', 'a'])
    ['r2d2', 'abcd']
    >>> long_words(['tiny', 'cats', 'nap', 'elephant'])
    ['tiny', 'cats', 'elephant']
    >>> long_words(['o.k.', 'no'])
    ['o.k.']
    """


def shout(s: str) -> str:
    """Upper-case the text and add an exclamation mark.

    >>> shout('hi')
    'HI!'
    >>> shout('go team')
    'GO TEAM!'
    """


def main(text: str) -> str:
    """Shout the long words of a text, comma-separated.

    >>> main("Hello big World")
    'HELLO, WORLD!'
    >>> main("tiny cats nap")
    'TINY, CATS!'
    """
    return shout(", ".join(long_words(words(text))))
