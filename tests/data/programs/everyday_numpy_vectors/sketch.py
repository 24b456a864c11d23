import numpy as np


def normalise(v: np.ndarray) -> np.ndarray:
    """Scale v to unit length.

    >>> normalise(np.array([3.0, 4.0]))
    np.array([0.6, 0.8])
    """


def main(v: list) -> float:
    """The length of the normalised vector, which is 1.

    >>> main([1.0, 2.0, 2.0])
    1.0
    """
    return float(np.linalg.norm(normalise(np.array(v))))
