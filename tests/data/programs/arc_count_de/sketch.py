import numpy as np

def main(input):
    """A 1x1 grid holding the number of coloured cells."""
    return np.array([["Zähle die farbigen Zellen, alle außer schwarz"(input)]])
