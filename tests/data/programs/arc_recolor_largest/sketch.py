import numpy as np
(black, blue, red) = range(3)

def main(input):
    """Recolour the largest object red."""
    objects = `find the connected objects of coloured cells, each a list of (row, col)`(input)
    biggest = "the object with the most cells"(objects)
    output = np.copy(input)
    for (r, c) in biggest:
        output[r, c] = red
    return output
