def f(x):
    assert x > 1, f"bad {x}"


def g(x):
    assert x


def h(x):
    assert (x ==
            2), "two"


def report():
    import traceback
    texts = []
    for fn in (f, g, h):
        try:
            fn(0)
        except AssertionError:
            texts.append(traceback.format_exc())
    return texts
