"""Cases for str.format parsing: python3 tests/gen/template_cases.py > tests/pyfmt/template_cases.rs"""
import _string
from common import HEADER, rs, table

TEMPLATES = [
    '', 'plain', '{}', '{} {}', '{0} {1} {0}', '{name}', '{p[0]}', '{m[k]}', '{x.attr}',
    '{0!r:>{w}}', '{{', '}}', '{{}}', 'a{{b}}c', '{{{0}}}', 'x{0}y', '{0:}', '{0!s}', '{!a}',
    '{0:{1}.{2}f}', '{0:{{}}}', '{a[}]}', '{a[:!]}', '{a[x]y}', '{0[}', '{', '}', 'a}', 'a{',
    '{0', '{0:', '{0!', '{0!r', '{0!rr}', '{!}', '{0!}}', '{0!x}', '{a{b}', '{:}}', '{:{}}}',
    '{0:>10}', '\u00e9{0}\u65e5', '{0.a.b[1][c d]}', '{ 0 }', '{0:{a}{b}}', '{0:x{{y}z}', '{}}',
    '{{}', '}{', '{!r:{}}', '{0!r}{1!s}{2!a}', 'end {', '{:%Y-%m-%d}', '{0:{1:{2}}}',
]

FIELD_NAMES = [
    '', '0', '12', 'name', 'p[0]', 'm[k]', 'x.attr', 'a.b.c', 'a[0][1]', 'a[x y].z', '0.real',
    'a[', 'a[0', 'a.', 'a..b', 'a[]', 'a[0]b', 'a[0].', '.x', '[0]', '99999999999999999999',
    'a[99999999999999999999]', '\u0663', 'a[\u0663]', 'a.0', '-1', 'a[-1]', 'a[ 1]', 'x[0]y[1]',
]


def template_outcome(t):
    try:
        parsed = list(_string.formatter_parser(t))
    except ValueError as e:
        return 'E:' + str(e)
    pieces = []
    for literal, name, spec, conv in parsed:
        if literal:
            if pieces and pieces[-1][0] == 'L':
                pieces[-1] = ('L', pieces[-1][1] + literal)
            else:
                pieces.append(('L', literal))
        if name is not None:
            pieces.append(('F', '%s!%s:%s' % (name, conv or '-', spec)))
    return ''.join('%s(%s)' % p for p in pieces)


def field_outcome(name):
    try:
        head, rest = _string.formatter_field_name_split(name)
        parts = ['A' if head == '' else ('I%d' % head if isinstance(head, int) else 'N' + head)]
        for is_attr, key in rest:
            parts.append('.' + key if is_attr else ('[%d]' % key if isinstance(key, int) else '{%s}' % key))
    except ValueError as e:
        return 'E:' + str(e)
    return '|'.join(parts)


def main():
    out = [HEADER % 'template_cases.py']
    out.append(table('TEMPLATES', '(&str, &str)',
                     ['(%s, %s)' % (rs(t), rs(template_outcome(t))) for t in TEMPLATES]))
    out.append(table('FIELD_NAMES', '(&str, &str)',
                     ['(%s, %s)' % (rs(n), rs(field_outcome(n))) for n in FIELD_NAMES]))
    print('\n\n'.join(out))


main()
