"""Every form a hole can take, and the places it can be called from."""
import asyncio
import functools
import numpy as np

THRESHOLD = 3


def double(n: int) -> int:
    """Return twice n.

    >>> double(4)
    8
    """
    ...


@functools.lru_cache(maxsize=None)
def fib(n: int) -> int:
    """The n-th Fibonacci number, with fib(0) == 0 and fib(1) == 1.

    >>> fib(10)
    55
    """
    pass


async def fetch_value(key: str) -> int:
    """Look the key up in a small built-in table of values and return its value."""


def scale(values, factor="the default scaling factor"()):
    return [v * factor for v in values]


class Board:
    def __init__(self, grid: np.ndarray):
        self.grid = grid

    def area(self) -> int:
        return "the number of cells of a grid"(self.grid)


def countdown(n):
    if n <= 0:
        return []
    return [n] + countdown(n - 1)


def main(grid: np.ndarray, words: list) -> dict:
    board = Board(grid)
    a, b = "split the grid into its top half and bottom half"(grid)
    first = "the cells of the grid in reading order"(grid)[0]
    evens = [x for x in first if "is the number even"(x)]
    squares = list(map(lambda w: `the length of a word, squared`(w), words))
    if `is the grid symmetric left to right`(grid):
        """a multi-line description:
        flip the grid upside down in place"""(grid)
    label = f"{'a short name for a number'(THRESHOLD)}!"
    total = 0
    for w in words:
        total += "count the vowels of a word"(word=w)
    deep = "wrap a value in a list"("wrap a value in a list"(double(2)))
    value = asyncio.run(fetch_value("x"))
    return {
        "area": board.area(),
        "halves": (a, b),
        "evens": evens,
        "squares": squares,
        "label": label,
        "total": total,
        "deep": deep,
        "fib": fib(10),
        "value": value,
        "scaled": scale([1, 2]),
        "count": countdown(THRESHOLD),
    }


if __name__ == "__main__":
    print(main(np.zeros((2, 2), dtype=int), ["a", "bb"]))
