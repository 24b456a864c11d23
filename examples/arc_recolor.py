import numpy as np
from typing import *
(black, blue, red, green, yellow, grey, pink, orange, teal, maroon) = range(10)


def main(input_grid: np.ndarray) -> np.ndarray:
	"""
	In the input you should see a black grid with several objects of different colours.
	The largest object is recoloured red, every other object keeps its colour.
	"""
	objects = "find the connected objects of non-black pixels, as lists of (row, col)"(input_grid)
	largest = `find the largest object`(objects)
	output_grid = np.copy(input_grid)
	for (r, c) in largest:
		output_grid[r, c] = red
	return output_grid
