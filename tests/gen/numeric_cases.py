"""Cases for coro::numeric: python3 tests/gen/numeric_cases.py > tests/numeric/cases.rs"""
import math
from common import HEADER, bits, opt, outcome, random_floats, rng, rs, table

R = rng()
I64 = (-2**63, 2**63 - 1)
INF, NAN = float('inf'), float('nan')


def fits(v):
    return I64[0] <= v <= I64[1]



def main():
    out = [HEADER % 'numeric_cases.py']

    ints = [0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 2**62, -2**62, I64[0], I64[1], I64[0] + 1]
    ints += [R.randint(-10**6, 10**6) for _ in range(20)] + [R.randint(*I64) for _ in range(10)]
    pairs = [(a, b) for a in ints for b in ints if b != 0]
    rows = []
    for a, b in pairs:
        q = a // b
        rows.append('(%d, %d, %s, %d)' % (a, b, ('Some(%d)' % q) if fits(q) else 'None', a % b))
    out.append(table('INT_DIV', '(i64, i64, Option<i64>, i64)', rows))

    floats = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 3.0, -3.0, 0.1, -0.1, 7.5, 1e300, -1e-300, 5e-324,
              INF, -INF, NAN, 1e16, 0.3, -7.0]
    rows = []
    for a in floats:
        for b in floats:
            if b != 0:
                q, m = divmod(a, b)
                rows.append('(%s, %s, %s, %s)' % (bits(a), bits(b), rs(repr(q)), rs(repr(m))))
    out.append(table('FLOAT_DIVMOD', '(u64, u64, &str, &str)', rows))

    values = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 4.5, 1e16 + 1, 2.0**52 + 0.5,
              -3.7, 3.2, 1e300, -0.0, 123456.5]
    out.append(table('ROUND_HALF_EVEN', '(u64, &str)',
                     ['(%s, %s)' % (bits(x), rs(str(round(x)))) for x in values]))

    rows = []
    cases = [(2.675, 2), (1.23456, 3), (0.125, 2), (0.375, 2), (2.5, 0), (3.5, 0), (-2.5, 0),
             (1234.5678, -1), (1234.5678, -2), (1250.0, -2), (1350.0, -2), (-1250.0, -2),
             (1250.0000001, -2), (-4.0, -1), (-0.001, 2), (5e-324, 400), (5e-324, 323),
             (1.7976931348623157e308, -308), (1.7976931348623157e308, -309), (1e300, -300),
             (0.5, -1), (123.456, 10), (INF, 2), (NAN, 1), (-INF, -3), (1e22, -22), (5e22, -23),
             (15.0, -1), (25.0, -1), (2.0**60, -5), (0.1, 1), (0.15, 1), (0.25, 1), (0.35, 1)]
    cases += [(x, R.randint(-20, 20)) for x in random_floats(R, 150)]
    for x, nd in cases:
        r = outcome(lambda: repr(round(x, nd)))
        rows.append('(%s, %d, %s)' % (bits(x), nd, 'None' if 'Error' in r else opt(r)))
    out.append(table('ROUND_NDIGITS', '(u64, i64, Option<&str>)', rows))

    cases = [(1234, -2), (1250, -2), (1350, -2), (-1250, -2), (-1350, -2), (1234, 0), (1234, 5),
             (5, -1), (15, -1), (25, -1), (-5, -1), (4, -1), (99, -3), (500, -3), (1500, -3),
             (10**30 + 5 * 10**10, -11), (2**100, -20), (-(2**100), -30), (123, -400), (0, -3)]
    out.append(table('ROUND_INT', '(&str, i64, &str)',
                     ['(%s, %d, %s)' % (rs(str(v)), nd, rs(str(round(v, nd)))) for v, nd in cases]))

    values = [0.0, -0.0, 0.5, -0.5, 1.9, -1.9, 1e20, -1e20, 2.0**63, 1.7976931348623157e308,
              5e-324, INF, -INF, NAN, 123456789.987]
    rows = []
    for x in values:
        r = outcome(lambda: str(int(x)))
        rows.append('(%s, %s)' % (bits(x), 'None' if 'Error' in r else opt(r)))
    out.append(table('FLOAT_TO_INT', '(u64, Option<&str>)', rows))

    big = [0, 1, -1, 2**53, 2**53 + 1, 2**53 + 2, 2**53 + 3, -(2**53 + 3), 2**54 + 2, 2**54 + 6,
           2**64 - 1, 2**64 + 2**11, 2**64 + 2**11 + 1, 2**100 + 2**47, 2**100 + 3 * 2**47,
           2**1024 - 2**970, 2**1024 - 2**970 - 1, 2**1024, 10**308, -(10**308), 10**309]
    big += [R.getrandbits(R.randint(50, 300)) * R.choice([1, -1]) for _ in range(40)]
    rows = []
    for v in big:
        r = outcome(lambda: repr(float(v)))
        rows.append('(%s, %s)' % (rs(str(v)), 'None' if 'Error' in r else opt(r)))
    out.append(table('INT_TO_FLOAT', '(&str, Option<&str>)', rows))

    pairs = [(1, 3), (2, 3), (-1, 3), (0, -5), (0, 5), (10**400, 10**399), (1, 10**400),
             (-1, 10**400), (2**1100, 3), (3, 2**1075), (1, 2**1074), (1, 2**1075), (3, 2**1076),
             (2**2000, 2**976), (2**2000, 2**977), (10**30, 7), (-(10**30), 7), (2**53 + 1, 1),
             (2**54 + 1, 2), (10**20, 10**20 + 1), (2**1024, 2), (2**1025, 2), (6, 4),
             (2**53, 2**53 + 1)]
    for _ in range(80):
        a = R.getrandbits(R.randint(1, 400)) * R.choice([1, -1])
        b = R.getrandbits(R.randint(1, 400)) or 1
        pairs.append((a, b))
    for _ in range(40):
        # Results near the subnormal range and near overflow.
        n, d = R.getrandbits(60) | 1, R.getrandbits(60) | 1
        pairs.append((n, d << R.randint(1000, 1140)))
        pairs.append((n << R.randint(960, 1030), d))
    rows = []
    for a, b in pairs:
        r = outcome(lambda: repr(a / b))
        rows.append('(%s, %s, %s)' % (rs(str(a)), rs(str(b)), 'None' if 'Error' in r else opt(r)))
    out.append(table('TRUE_DIV', '(&str, &str, Option<&str>)', rows))

    strings = ['12', ' 12 ', '-12', '+12', '- 12', '1_000', '1__000', '_1', '1_', '0x1f', '0X1F',
               '-0x1f', '0o17', '0b101', '0b', '0x_1f', '0x__1f', '010', '000', '0_0', '00_1',
               'four', '', ' ', '12a', '1e3', '\t\n 42\x0c', '\u00a042\u2003', '0x', 'z', 'Z',
               '9' * 50, '-' + '7' * 30, '1 2', '++1', '+-1', '0b2', '٣', '\uff11\uff12', '-\u0661_\u0662', '\U0001d7ce\U0001d7d9']
    bases = [0, 2, 8, 10, 16, 36]
    rows = []
    for s in strings:
        for base in bases:
            r = outcome(lambda: str(int(s, base)))
            rows.append('(%s, %d, %s)' % (rs(s), base, 'None' if 'Error' in r else opt(r)))
    out.append(table('PARSE_INT', '(&str, u32, Option<&str>)', rows))

    strings = [' 3 ', '3', '1e3', '-0', '-0.0', 'inf', '-Infinity', 'INF', 'nan', '-nan', 'NaN',
               '+inf', 'infinit', 'infinityy', '1_000.5', '1__0', '_1', '1_', '1_.5', '1._5',
               '1e1_0', '1_e10', '.5', '5.', '.', 'e5', '1e', '1e+', '1.e5', '+.5', '-.5e-3',
               '0x10', '1,5', '', ' ', 'x', '1e400', '-1e400', '1e-400', '2.5e-324',
               '0.1000000000000000055511151231257827', '\u20031.5\n', '12345678901234567890',
               '4.9406564584124654e-324', 'in_f', '1 0', '١', '\u0663.\u0665e\u0661', '\uff11\uff0e5']
    rows = []
    for s in strings:
        r = outcome(lambda: repr(float(s)))
        rows.append('(%s, %s)' % (rs(s), 'None' if 'Error' in r else opt(r)))
    out.append(table('PARSE_FLOAT', '(&str, Option<&str>)', rows))

    bases = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 10.0, INF, -INF, NAN, 1e300, 3.7]
    exps = [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, 1e300, 2.0**60 + 1, INF, -INF, NAN,
            1000.0, 1.5]
    rows = []
    for a in bases:
        for b in exps:
            try:
                r = a ** b
                r = 'complex' if isinstance(r, complex) else repr(r)
            except ZeroDivisionError:
                r = 'ZeroDivisionError'
            except OverflowError:
                r = 'OverflowError'
            rows.append('(%s, %s, %s)' % (bits(a), bits(b), rs(r)))
    out.append(table('POW', '(u64, u64, &str)', rows))

    values = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.0**61, 2.0**62, 2.0**-30, 1e300, -1e300,
              5e-324, 3.14159, 1e16, 2.0**61 - 1, INF, -INF] + random_floats(R, 60)
    out.append(table('HASH_FLOAT', '(u64, i64)',
                     ['(%s, %d)' % (bits(x), hash(x)) for x in values]))
    ints = [0, 1, -1, -2, 2, 2**61 - 2, 2**61 - 1, 2**61, -(2**61), 2**63 - 1, -2**63, 2**64,
            10**30, -(10**30), 2**200 + 12345]
    ints += [R.getrandbits(R.randint(1, 200)) * R.choice([1, -1]) for _ in range(40)]
    out.append(table('HASH_INT', '(&str, i64)', ['(%s, %d)' % (rs(str(v)), hash(v)) for v in ints]))
    print('\n\n'.join(out))


main()
