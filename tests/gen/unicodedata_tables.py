"""Writes src/modules/unicodedata/*.txt, the character properties of the Unicode version
CPython 3.11 ships (14.0.0), from CPython's own unicodedata. Run with python3 (3.11):

    python3 tests/gen/unicodedata_tables.py
"""
import os
import sys
import unicodedata as ud

assert ud.unidata_version == '14.0.0', 'run this with CPython 3.11'
out = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'modules', 'unicodedata')


def write(name, lines):
    with open(os.path.join(out, name), 'w') as f:
        f.write('\n'.join(lines) + '\n')


# Runs of code points with the same category, bidirectional class, east asian width,
# combining class and mirrored flag: "start category bidi width combining mirrored".
runs = []
previous = None
for cp in range(sys.maxunicode + 1):
    c = chr(cp)
    props = (ud.category(c), ud.bidirectional(c) or '-', ud.east_asian_width(c), ud.combining(c), ud.mirrored(c))
    if props != previous:
        runs.append('%x %s %s %s %d %d' % ((cp,) + props))
        previous = props
write('properties.txt', runs)

# "code decimal digit numeric" for each character with a numeric value ('-' for none).
numbers = []
for cp in range(sys.maxunicode + 1):
    c = chr(cp)
    value = ud.numeric(c, None)
    if value is not None:
        numbers.append('%x %s %s %r' % (cp, ud.decimal(c, '-'), ud.digit(c, '-'), value))
write('numeric.txt', numbers)

# "code;decomposition" for each character with one.
decompositions = ['%x;%s' % (cp, ud.decomposition(chr(cp))) for cp in range(sys.maxunicode + 1)
                  if ud.decomposition(chr(cp))]
write('decompositions.txt', decompositions)
