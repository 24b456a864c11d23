import numpy as np

def main(input, background="the colour number of the background, black"()):
    """Paint the background teal (8), leave every other cell as it is."""
    output = input.copy()
    output[input == background] = 8
    return output
