def main(xs: list) -> list:
    """Running totals.

    >>> main([1, 2, 3])
    [1, 3, 6]
    >>> main([])
    []
    """
    return list(`yield the running total after each number`(xs))
