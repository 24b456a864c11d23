import numpy as np

def main(input):
    """The grid followed by its mirror image."""
    mirrored = "グリッドを左右反転する"(input)
    return np.hstack([input, mirrored])
