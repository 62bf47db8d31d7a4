"""Items as lines of `name,quantity,price` in a text file."""
from .models import Item


def save(items, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# name,quantity,price\n")
        for item in items:
            f.write(f"{item.name},{item.quantity},{item.price}\n")
    return len(items)


def load(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, quantity, price = line.split(",")
            items.append(Item(name, int(quantity), float(price)))
    return items
