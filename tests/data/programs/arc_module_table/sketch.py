import numpy as np

SWAP = "a dict swapping colours 1 and 2, and colours 3 and 4"()

def main(input):
    """Swap blue with red and green with yellow."""
    return `replace every cell's colour by its entry in the table, cells not in it unchanged`(input, SWAP)
