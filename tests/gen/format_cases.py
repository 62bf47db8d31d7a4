"""Cases for float_repr and format(): python3 tests/gen/format_cases.py > tests/pyfmt/format_cases.rs"""
from common import HEADER, bits, outcome, random_floats, rng, rs, table

R = rng()

REPR_VALUES = [
    0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e15, 1e17, 9999999999999998.0,
    1e-4, 1e-5, 0.0001, 0.00001, 1.5e-7, 123456789012345680.0, 2.0**53, 2.0**53 + 2, 2.0**63,
    5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, float('inf'), -float('inf'),
    float('nan'), 1e22, 1e23, 100.0, 1234.5, 0.5, 3.14159, 2.675, 1e300, -1e-300, 12345678.9,
    1234567890123456.7, 0.3, 4.35, 1e-10, 6.02214076e23,
]
REPR_VALUES += random_floats(R, 300)

FLOAT_VALUES = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.1, 1 / 3, -2 / 3, 3.14159, -3.14159,
    1234.5, 1234567.891, -1234567.891, 1e6, 1e16, 1.5e-7, 1e-5, 9.995, 99.5, 0.0005, 2.675,
    123456789.0, 1e100, -1e-100, 5e-324, 1.7976931348623157e308, float('inf'), -float('inf'),
    float('nan'), 0.00001234, 100.0, 12.0, -0.001,
]

FLOAT_SPECS = [
    '', 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%', '.0', '.1', '.2', '.3', '.4', '.10', '.17', '.0e',
    '.2e', '.10e', '.0f', '.1f', '.2f', '.3f', '.10f', '.0g', '.1g', '.2g', '.3g', '.10g', '.17g',
    '.0%', '.1%', ',', ',.2f', ',.1f', ',f', ',e', ',g', ',.3', '_', '_.2f', '_.3e', '10', '<10',
    '>12', '^12', '=12', '*^14.3f', '010', '010.2f', '08.2f', '+', '+.2f', ' .2f', '-.2f',
    '+010.2f', ' 010.2e', '012,.2f', '015,.3f', '011,', '#', '#.0f', '#.0e', '#g', '#.3g', '#.10g',
    '#.0', 'z.1f', 'z', 'z.2e', '+z.0f', '0=+12.3f', 'x=+12.3f', '0<10', '0^10.1f', '.3n', 'n',
    ',.0%', '20,.2%', 'd', 'x', 's', 'c', 'b', '.2d', ',n', ',_', 'abc', '.f', '.', '10.2fx',
    '\u00e9^15,.3e', ',.30f', '.50g', '.25e', '=', '0', '00', '0.0f',
]

INT_VALUES = [0, 1, -1, 7, -7, 42, -42, 255, -255, 1000, 1234, -1234, 65, 1234567, -1234567,
              10**9, 2**31, 2**63 - 1, -2**63, 2**64, 2**100, -2**100, 10**30 + 7, 0x10FFFF, 10**400]

INT_SPECS = [
    '', 'd', 'b', 'o', 'x', 'X', 'c', 'n', 'e', 'E', 'f', 'F', 'g', 'G', '%', '.2f', '.3e', '.1%',
    '#b', '#o', '#x', '#X', '#d', '#', ',', '_', ',d', '_d', '_b', '_o', '_x', '_X', '#_b', '#_x',
    ',b', ',x', ',c', '_c', ',n', '08', '08,', '09,', '010,', '011,', '012_', '08_b', '#012_b',
    '#010x', '+', '-', ' ', '+d', ' d', '+08', ' 08', '<8', '>8', '^8', '=8', '*^9', '0<8',
    '0=8', '0=10,', 'x<05', '+#x', '-#o', '=+10', '^+10,', '10c', '<3c', '+c', '#c', 'z', 'zd',
    '.2', '.2d', 's', 'r', 'a', 'abc', '08.2f', ',.2f', '_.1e', 'f%', '=', '0', '00', '#08X',
    '\u00e9>8', ',,', ',_', '_,', '\u0665', 'x<\u0661\u0660', '\uff10\uff18',
]

STR_VALUES = ['', 'a', 'abc', 'hello world', 'caf\u00e9', '\u65e5\u672c\u8a9e', 'tab\tin']

STR_SPECS = [
    '', 's', '5', '<5', '>5', '^5', '^6', '.2', '.0', '10.3', '*^9', '\u00e9>7s', '05', '0>5',
    '0<5', '+', '-', ' ', '#', 'z', '=5', ',', '_', ',s', 'd', 'x', 'abc', '.', '08.1s', '^1',
    '.10', '<', 'x<10.1',
]


def fmt_case(value, spec):
    return outcome(lambda: format(value, spec))


def random_spec(types, allow_precision):
    parts = [
        R.choice(['', '', '', '<', '>', '^', '=', '*<', '0>', '_^', '0=']),
        R.choice(['', '', '+', '-', ' ']),
        R.choice(['', '', '', '#']),
        R.choice(['', '', '', '0']),
        R.choice(['', '', '1', '5', '8', '12', '20']),
        R.choice(['', '', '', ',', '_']),
        R.choice(['', '', '.0', '.1', '.2', '.3', '.6', '.12'] if allow_precision else ['']),
        R.choice(types),
    ]
    return ''.join(parts)


def main():
    out = [HEADER % 'format_cases.py']
    out.append(table('FLOAT_REPR', '(u64, &str)',
                     ['(%s, %s)' % (bits(x), rs(repr(x))) for x in REPR_VALUES]))
    float_cases = [(x, s) for x in FLOAT_VALUES for s in FLOAT_SPECS]
    float_cases += [(x, random_spec(list('eEfFgGn%') + [''], True)) for x in random_floats(R, 400)]
    out.append(table('FORMAT_FLOAT', '(u64, &str, &str)',
                     ['(%s, %s, %s)' % (bits(x), rs(s), rs(fmt_case(x, s))) for x, s in float_cases]))
    int_cases = [(v, s) for v in INT_VALUES for s in INT_SPECS]
    int_cases += [(R.choice([R.randint(-10**6, 10**6), R.randint(-10**40, 10**40)]),
                   random_spec(list('dbxXon') + ['', 'e', 'f', '%'], R.random() < 0.2))
                  for _ in range(400)]
    out.append(table('FORMAT_INT', '(&str, &str, &str)',
                     ['(%s, %s, %s)' % (rs(str(v)), rs(s), rs(fmt_case(v, s))) for v, s in int_cases]))
    str_cases = [(v, s) for v in STR_VALUES for s in STR_SPECS]
    out.append(table('FORMAT_STR', '(&str, &str, &str)',
                     ['(%s, %s, %s)' % (rs(v), rs(s), rs(fmt_case(v, s))) for v, s in str_cases]))
    print('\n\n'.join(out))


main()
