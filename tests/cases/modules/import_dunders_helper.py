def read_injected():
    return injected


def set_global(name, value):
    globals()[name] = value


def __getattr__(name):
    if name.startswith('lazy'):
        return 'computed ' + name
    raise AttributeError(name)


def __dir__():
    return ['z', 'b', 'a']
