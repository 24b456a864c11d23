import numpy as np

def main(input):
    """Coloured cells fall to the bottom of their column, keeping their order."""
    columns = [`let the coloured cells of the column fall to its end`(input[:, c]) for c in range(input.shape[1])]
    return np.stack(columns, axis=1)
