# A module whose named tuple classes belong to it (namedtuple reads its caller's globals).
from collections import namedtuple
from typing import NamedTuple

Pair = namedtuple('Pair', 'left right')
Typed = NamedTuple('Typed', [('a', int)])


def make(name):
    return namedtuple(name, 'v')
