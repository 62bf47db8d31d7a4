import traceback
texts = []


def t(f):
    try:
        f()
    except Exception:
        texts.append(traceback.format_exc())
d = {}
x = 0
l = [1]
t(lambda: 1 / x)
t(lambda: d["missing"])
t(lambda: l[5])
t(lambda: (1) // x)
t(lambda: 2 ** 3 % x)
t(lambda: 'a' + 1 + 2)
t(lambda: d['a']['b'])
t(lambda: l[0][1])
def g():
    return 1 /  x
t(g)
def h():
    y = d[  'k'  ]
t(h)
def k():
    return d.get('x')['y'] + 1
t(k)
