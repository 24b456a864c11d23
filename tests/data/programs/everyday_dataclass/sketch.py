from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float
    qty: int


def cheapest(items: list) -> Item:
    """The item with the lowest price; the first one on a tie.

    >>> cheapest([Item('a', 2.5, 1), Item('b', 1.0, 3), Item('c', 1.0, 1)])
    Item(name='b', price=1.0, qty=3)
    """


def main(items: list) -> str:
    """Name the cheapest item.

    >>> main([Item('tea', 3.0, 1), Item('bun', 1.5, 2)])
    'bun'
    """
    return cheapest(items).name
