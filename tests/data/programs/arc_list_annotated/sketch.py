import numpy as np

def main(input: list):
    """Add a row of zeros at the bottom."""
    rows = [list(r) for r in input]
    rows.append("a row of zeros as long as the others"(rows))
    return rows
