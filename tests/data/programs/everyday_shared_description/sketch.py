def main(a: str, b: str) -> tuple:
    """Both names cleaned.

    >>> main('  ada ', 'BO')
    ('Ada', 'Bo')
    """
    first = "trim the name and capitalise it"(a)
    second = "trim the name and capitalise it"(b)
    return first, second
