import numpy as np

def main(input):
    """Swap rows and columns."""
    return [[int(v) for v in row] for row in "the transpose of the grid"(input)]
