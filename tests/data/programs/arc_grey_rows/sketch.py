import numpy as np
from typing import *

(black, blue, red, green, yellow, grey) = range(6)

def main(input):
    """Every row that holds a grey cell becomes entirely grey."""
    output = input.copy()
    rows = "indices of the rows that contain at least one grey cell"(input)
    for r in rows:
        output[r, :] = grey
    return output
