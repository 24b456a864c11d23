import numpy as np
from typing import List, Tuple
black, blue, red, green, yellow, grey, pink, orange, teal, maroon = range(10)

# Decomposed three levels deep: main -> draw_frames -> frame_of -> holes.


def bounding_box(points: List[Tuple[int, int]]) -> Tuple[int, int, int, int]:
    """Return (top, left, bottom, right) of the smallest rectangle holding every point.

    >>> bounding_box([(1, 2), (3, 0)])
    (1, 0, 3, 2)
    """


def frame_of(grid: np.ndarray, color: int) -> List[Tuple[int, int]]:
    # Sketch: the frame is the border of the colour's bounding box.
    points = `positions of every pixel of the given colour`(grid, color)
    if not points:
        return []
    top, left, bottom, right = bounding_box(points)
    return "the cells on the border of a rectangle given as (top, left, bottom, right)"(top, left, bottom, right)


def draw_frames(grid: np.ndarray) -> np.ndarray:
    out = np.copy(grid)
    for color in `the distinct non-black colours of the grid, sorted`(grid):
        for (r, c) in frame_of(grid, color):
            if out[r, c] == black:
                out[r, c] = color
    return out


def main(input_grid: np.ndarray) -> np.ndarray:
    """Draw, in each colour, the frame of the bounding box of that colour's pixels."""
    return draw_frames(input_grid)
