import numpy as np

def main(input):
    """List the colours of the grid, commonest first, as a single row."""
    colours, counts = `the non-black colours and how often each occurs`(input)
    ranked = "sort the colours by count, most frequent first, ties by colour"(colours, counts)
    return np.array([ranked])
