def line_total(item: dict) -> int:
    """The price of one order line: its quantity times its unit price.

    >>> line_total({'qty': 2, 'price': 3})
    6
    """

def order_total(order: list) -> int:
    """The total price of an order, the sum of its lines.

    >>> order_total([{'qty': 2, 'price': 3}, {'qty': 1, 'price': 4}])
    10
    """

def main(order: list) -> str:
    """A receipt line.

    >>> main([{'qty': 1, 'price': 5}])
    'total: 5'
    """
    return f"total: {order_total(order)}"
