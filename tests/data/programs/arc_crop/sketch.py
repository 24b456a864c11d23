import numpy as np

def bounding_box(grid):
    """The (top, bottom, left, right) rows and columns that enclose every non-black
    cell, bottom and right inclusive."""

def main(input):
    """Cut the grid down to the smallest rectangle holding every coloured cell."""
    top, bottom, left, right = bounding_box(input)
    return input[top:bottom + 1, left:right + 1]
