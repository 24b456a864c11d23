import numpy as np

def inside(grid, r, c):
    """Whether cell (r, c) is coloured and so are its four neighbours (cells off the grid
    count as black).

    >>> inside(np.array([[1, 1, 1], [1, 1, 1], [1, 1, 1]]), 1, 1)
    True
    >>> inside(np.array([[1, 1, 1], [1, 1, 1], [1, 1, 1]]), 0, 1)
    False
    """

def hollow(grid):
    """Blank (set to 0) every cell that is inside a coloured shape.

    >>> hollow(np.array([[2, 2, 2], [2, 2, 2], [2, 2, 2]]))
    np.array([[2, 2, 2], [2, 0, 2], [2, 2, 2]])
    """

def main(input):
    """Keep only the outline of every shape."""
    return hollow(input)
