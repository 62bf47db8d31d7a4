"""Inventory items."""


class Item:
    def __init__(self, name, quantity, price):
        self.name = name
        self.quantity = quantity
        self.price = price

    @property
    def value(self):
        return self.quantity * self.price

    def __repr__(self):
        return f"Item({self.name!r}, {self.quantity}, {self.price})"


def total_value(items):
    return sum(item.value for item in items)
