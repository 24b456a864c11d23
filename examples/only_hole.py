def main(grid: list[list[int]]) -> list[list[int]]:
    """Rotate the grid a quarter turn clockwise.

    >>> main([[1, 2],
    ...       [3, 4]])
    [[3, 1],
     [4, 2]]
    """
