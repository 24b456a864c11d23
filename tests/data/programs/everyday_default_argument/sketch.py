def greet(name: str, greeting=`a friendly greeting word, capitalised`()) -> str:
    """Greet someone.

    >>> greet('Ada')
    'Hello, Ada!'
    """
    return f"{greeting}, {name}!"


def shout(text: str) -> str:
    """Upper-case the text.

    >>> shout('hi')
    'HI'
    """


def main(name: str) -> str:
    """Greet loudly.

    >>> main('bo')
    'HELLO, BO!'
    """
    return shout(greet(name))
