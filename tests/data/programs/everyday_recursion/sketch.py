def flatten(xs):
    """Flatten arbitrarily nested lists into one list, in order.

    >>> flatten([1, [2, [3, [4]]], 5])
    [1, 2, 3, 4, 5]
    """


def main(xs):
    """Sum every number, however deeply nested.

    >>> main([1, [2, [3]]])
    6
    """
    return sum(flatten(xs))
