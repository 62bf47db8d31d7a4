"""Cases for printf-style formatting: python3 tests/gen/percent_cases.py > tests/pyfmt/percent_cases.rs

Each case is a format, its arguments and the result. An argument is an int,
a float (as its bits) or the text that %s, %r or %a shows for it.
"""
from common import HEADER, bits, outcome, random_floats, rng, rs, table

R = rng()


def arg(value, conv='s'):
    """The Rust Arg for a value consumed by conversion conv."""
    if isinstance(value, bool) or isinstance(value, str):
        text = {'r': repr, 'a': ascii}.get(conv, str)(value)
        return 'Text(%s)' % rs(text)
    if isinstance(value, int):
        return 'Int(%s)' % rs(str(value))
    return 'Float(%s)' % bits(value)


FIXED = [
    ('%d%% done', (50,)), ('%s', ('abc',)), ('%(name)s', {'name': 'Bob'}),
    ('%8.3f|%-8.2f|%+d|% d', (3.14159, 2.5, 5, 7)), ('%5s|', ('ab',)), ('%.3s', ('abcdef',)),
    ('%x %X %o', (255, 255, 8)), ('%e', (12345.678,)), ('%r', ('x',)), ('%c', (65,)),
    ('%c', ('z',)), ('%i', (-3,)), ('%u', (42,)), ('%g', (0.0001,)), ('%*d', (5, 42)),
    ('%-*d|', (5, 42)), ('%*d|', (-5, 42)), ('%.*f', (2, 3.14159)), ('%.*f', (-2, 3.14159)),
    ('%*.*f', (10, 3, 2.71828)), ('%#08o', (8,)), ('%#8o', (8,)), ('%#08x', (8,)),
    ('%#-8x|', (8,)), ('%#08X', (-8,)), ('%.5d', (-42,)), ('%+.3x', (10,)), ('%#.3o', (8,)),
    ('%(a)s %(b)r', {'a': 'x', 'b': 'y'}), ('%(a(b))s', {'a(b)': 1}), ('%05s', ('ab',)), ('%-+5d|', (3,)),
    ('% 05d', (3,)), ('%+05.1f', (-2.25,)), ('%#.0f', (2.0,)), ('%#g', (2.0,)), ('%.0e', (12345,)),
    ('%g', (1e-5,)), ('%G', (float('nan'),)), ('%05c', ('x',)), ('%-05d|', (3,)), ('%05f', (float('inf'),)),
    ('%+f', (float('-inf'),)), ('%x', (-255,)), ('%#X', (-255,)), ('%#o', (-8,)), ('%+#010x', (255,)),
    ('%#5x', (255,)), ('%ld', (5,)), ('%hd %Lf', (5, 1.5)), ('% 5s', ('a',)), ('%5c', ('a',)),
    ('%.1c', ('a',)), ('%d', (2**100,)), ('%x', (2**100,)), ('%,d', (1,)), ('%y', (1,)),
    ('%d %y', (1, 2)), ('abc %', ()), ('%', ()), ('%.', ()), ('%5', ()), ('%(a', {}), ('%(a)', {'a': 1}),
    ('%l', ()), ('%5%', (1,)), ('%-5%', (1,)), ('%s %s', ('a',)), ('%s', ('a', 'b')), ('%%', ()),
    ('100%%', ()), ('%%%d%%', (7,)), ('%\u00e9', (1,)), ('%\x01', (1,)), ('\u65e5%s\u672c', ('\u00e9',)),
    ('%10.4s|', ('\u65e5\u672c\u8a9e\u3067\u3059',)), ('%-10r|', ('x',)), ('%a', ('\u00e9',)),
    ('%f', (1e300,)), ('%.20f', (0.1,)), ('%.0f', (0.5,)), ('%.0f', (1.5,)), ('%.2e', (0.0,)),
    ('%E', (-0.0,)), ('%010.3e', (-1234.5,)), ('%-10.3g|', (1234567.0,)), ('%#x', (0,)),
    ('%#o', (0,)), ('%.0d', (0,)), ('%3d|%-3d|%03d', (1, 2, 3)), ('%s', (True,)),
    ('%d', (3.99,)), ('%i', (-3.99,)), ('%f', (7,)), ('%e', (2**70,)),
    ('%99999999999999999999d', (1,)), ('%.99999999999d', (1,)),
]


def python_format(fmt, args):
    return outcome(lambda: fmt % args)


def case(fmt, args):
    if isinstance(args, dict):
        rust_args = '&[%s]' % ', '.join('(Some(%s), %s)' % (rs(k), arg(v, conv_for_key(fmt, k)))
                                         for k, v in args.items())
    else:
        convs = conversions(fmt)
        rust_args = '&[%s]' % ', '.join('(None, %s)' % arg(v, c) for v, c in zip(args, convs + ['s'] * len(args)))
    return '(%s, %s, %s)' % (rs(fmt), rust_args, rs(python_format(fmt, args)))


def conversions(fmt):
    """The conversion each positional argument meets, '*' for star counts."""
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] != '%':
            i += 1
            continue
        i += 1
        while i < len(fmt) and fmt[i] not in 'diouxXeEfFgGcrsa%':
            if fmt[i] == '*':
                out.append('*')
            i += 1
        if i < len(fmt) and fmt[i] != '%':
            out.append(fmt[i])
        i += 1
    return out


def conv_for_key(fmt, key):
    at = fmt.index('(%s)' % key) + len(key) + 2
    return next((c for c in fmt[at:] if c in 'diouxXeEfFgGcrsa'), 's')


def random_case():
    conv = R.choice('diuoxXeEfFgGsrac')
    flags = ''.join(R.sample('-+ #0', R.randint(0, 2)))
    width = R.choice(['', '', '1', '6', '12'])
    precision = R.choice(['', '', '.0', '.2', '.5', '.12'])
    if conv in 'diuoxX':
        value = R.choice([R.randint(-10**6, 10**6), R.randint(-10**30, 10**30), 0])
    elif conv in 'eEfFgG':
        value = R.choice(random_floats(R, 1) + [R.randint(-1000, 1000)])
    elif conv == 'c':
        value = R.choice(['x', '\u00e9', 66, 0x65e5])
    else:
        value = R.choice(['', 'abc', 'caf\u00e9', 'it\'s', 12, '\u65e5\u672c'])
    return '%' + flags + width + precision + conv, (value,)


def main():
    cases = FIXED + [random_case() for _ in range(500)]
    print(HEADER % 'percent_cases.py')
    print('use crate::percent::{Arg::*, Args};\n')
    print(table('PERCENT', '(&str, Args, &str)', [case(f, a) for f, a in cases]))


main()
