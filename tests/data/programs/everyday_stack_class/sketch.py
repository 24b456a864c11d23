class Stack:
    """A last-in, first-out stack."""

    def __init__(self):
        self.items = []

    def push(self, value):
        """Put value on top."""

    def pop(self):
        """Take the top value off and return it; None when empty."""


def main(values: list) -> list:
    """Push every value, then pop them all.

    >>> main([1, 2, 3])
    [3, 2, 1]
    >>> main([])
    []
    """
    s = Stack()
    for v in values:
        s.push(v)
    out = []
    while (v := s.pop()) is not None:
        out.append(v)
    return out
