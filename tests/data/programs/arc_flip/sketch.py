import numpy as np

def main(input):
    """The output is the input grid turned upside down."""
    return `turn the grid upside down`(input)
