"""Case lists for strings_cases.py: (file name, description, expressions)."""

CASE = [
    '"Hello World".upper()', '"Hello World".lower()', '"Hello World".swapcase()', '"hello world foo".title()',
    '"they\'re bill\'s".title()', '"abc123def".title()', '"HELLO wORLD".capitalize()', '"".capitalize()', '"123abc".capitalize()',
    '"ß".upper()', '"ß".title()', '"ß".capitalize()', '"ß".casefold()', '"ǆa".title()', '"ﬁx".title()', '"ΑΣ ΑΣΑ".lower()',
    '"aΣ".swapcase()', '"ΣΑΣ".casefold()', '"İ".lower()', '"ÀÉÎ".lower()', '"àéî".upper()', '"Straße".casefold() == "STRASSE".casefold()',
    '"ABC".isupper()', '"AbC".isupper()', '"123".isupper()', '"A1".isupper()', '"abc".islower()', '"a1".islower()', '"".islower()',
    '"Hello World".istitle()', '"Hello world".istitle()', '"HELLO".istitle()', '"ǅ".istitle()', '"A B1 C".istitle()', '"".istitle()',
    '"   \\t\\n".isspace()', '"".isspace()', '" a ".isspace()', '"\\x1c\\x1f\\x85\\xa0\\u3000".isspace()',
    '"abc".isalpha()', '"ab1".isalpha()', '"".isalpha()', '"é中".isalpha()', '"Ⅻ".isalpha()',
    '"abc123".isalnum()', '"abc 123".isalnum()', '"".isalnum()', '"½".isalnum()',
    '"123".isdecimal()', '"²".isdecimal()', '"٣".isdecimal()', '"12.5".isdecimal()', '"".isdecimal()',
    '"123".isdigit()', '"²".isdigit()', '"½".isdigit()', '"①".isdigit()', '"".isdigit()',
    '"123".isnumeric()', '"½".isnumeric()', '"Ⅻ".isnumeric()', '"一".isnumeric()', '"1e5".isnumeric()', '"".isnumeric()',
    '"hello".isidentifier()', '"1a".isidentifier()', '"".isidentifier()', '"_".isidentifier()', '"é_1".isidentifier()', '"a-b".isidentifier()', '"class".isidentifier()',
    '"abc".isascii()', '"".isascii()', '"é".isascii()', '"\\x7f".isascii()',
    '"abc".isprintable()', '"".isprintable()', '"a\\n".isprintable()', '"\\xad".isprintable()', '" ".isprintable()', '"\\xa0".isprintable()', '"é中".isprintable()', '"\\t".isprintable()',
]

SEARCH = [
    '"hello".find("l")', '"hello".find("l", 3)', '"hello".find("l", -2)', '"hello".find("l", 0, 2)', '"hello".find("z")',
    '"hello".rfind("l")', '"hello".rfind("l", 0, 3)', '"hello".index("l", 3)', '"hello".rindex("l", 0, 3)',
    '"hello".index("z")', '"hello".rindex("z")', '"héllo wörld".find("ö")', '"héllo wörld".rfind("l")', '"héllo".index("l", 3)',
    '"abc".find("", 4)', '"abc".find("", 3)', '"abc".find("", 2, 1)', '"".find("")', '"abc".rfind("")', '"abc".rfind("", 1, 2)',
    '"a".find("a", None, None)', '"a".find("a", 10**30)', '"abc".find("c", -10**30)', '"abc".find("b", True)',
    '"abcabc".count("bc")', '"aaaa".count("aa")', '"abc".count("")', '"abc".count("", 4)', '"abc".count("", 1, 0)', '"".count("")', '"héé".count("é")', '"abcabc".count("a", 1)', '"abcabc".count("a", 1, -2)',
    '"hello".startswith("he")', '"hello".startswith(("x", "he"))', '"hello".startswith(())', '"hello".startswith("l", 2)', '"hello".startswith("l", 2, 2)',
    '"hello".endswith("lo")', '"hello".endswith(("lo",), 0, 5)', '"hello".endswith("l", 0, -1)', '"hello".endswith("hello", 1)',
    '"abc".startswith("", 3)', '"abc".startswith("", 4)', '"abc".startswith("", 2, 1)', '"abc".endswith("", 2, 1)', '"héllo".endswith("llo")',
    '"a".find(1)', '"a".count(1)', '"a".find("a","x")', '"a".find("a", 1.5)', '"a".startswith(1)', '"a".startswith((1,))', '"a".endswith(["a"])',
    '"a".find()', '"a".index()', '"a".count()', '"a".startswith()', '"a".find("a",1,2,3)', '"a".count("a",1,2,3)', '"a".endswith("a",1,2,3)', '"a".find(sub="a")',
    '"b" in "abc"', '"" in "abc"', '"d" in "abc"',
]

SPLIT = [
    '"a,b,,c".split(",")', '"a,b,,c".split(",", 1)', '"a,b,,c".rsplit(",", 1)', '"a,b,,c".split(",", 0)', '"a,b,,c".split(",", -5)',
    '"  a  b  ".split()', '"  a  b  ".split(None, 1)', '"  a  b  ".rsplit(None, 1)', '"  a  b  ".split(None, 0)', '"  a  b  ".rsplit(None, 0)',
    '"a\\tb\\nc\\x1cd\\u3000e".split()', '"".split()', '"   ".split()', '"".split(",")', '"abc".split("abc")', '"aaa".split("aa")', '"aaa".rsplit("aa")',
    '"a b c".split(maxsplit=1)', '"a b c".rsplit(maxsplit=1)', '"a-b-c".split(sep="-")', '"a-b-c".rsplit("-", maxsplit=1)', '"ä ö ü".split(" ")',
    '"a".split("")', '"a".rsplit("")', '"a".split(1)', '"a".rsplit(1)', '"a b".split(None, None)', '"a".split(maxsplit=None)', '"a".split(maxsplit=1.5)',
    '"a".split(x=1)', '"a".split(" ", 1, 2)', '"a".split(" ", sep=" ")', '"a".rsplit(" ", 1, 2)',
    '"a\\r\\nb\\rc\\n".splitlines()', '"a\\r\\nb\\rc\\n".splitlines(True)', '"a\\r\\nb\\rc\\n".splitlines(keepends=True)', '"".splitlines()', '"\\n".splitlines()',
    '"a\\x0bb\\x0cc\\x1cd\\x85e\\u2028f\\u2029g".splitlines()', '"a\\n\\nb".splitlines()', '"a".splitlines("x")', '"a".splitlines(1, 2)', '"a".splitlines(x=1)',
    '"  hi  ".strip()', '"  hi  ".lstrip()', '"  hi  ".rstrip()', '"xxhixx".strip("x")', '"xyhiyx".strip("xy")', '"xyhiyx".lstrip("xy")', '"xyhiyx".rstrip("xy")',
    '"\\t\\n hi \\x1c".strip()', '"hi".strip("")', '"  hi  ".strip(None)', '"ééhié".strip("é")', '"".strip()',
    '"a".strip(1)', '"a".lstrip(1)', '"a".rstrip(1)', '"a".strip(1,2)', '"a".strip(chars="x")',
    '",".join(["a", "b", "c"])', '"".join([])', '"-".join("abc")', '", ".join(("x",))', '"-".join(str(i) for i in range(3))', '"-".join({"a": 1, "b": 2})',
    '"a".join()', '"a".join(1)', '"a".join([1])', '"a".join(["a", 2])', '"a".join(None)',
]

PAD = [
    '"abc".center(6, "*")', '"abc".center(8, "*")', '"ab".center(5, "*")', '"ab".center(7)', '"abc".center(2)', '"a".center(-5)', '"é".center(4, "ü")',
    '"ab".ljust(5)', '"ab".ljust(5, ".")', '"ab".rjust(5)', '"ab".rjust(5, "0")', '"abc".ljust(1)',
    '"a".center("x")', '"a".center(5, "ab")', '"a".center(5, 1)', '"a".center()', '"a".ljust(5, "")', '"a".rjust(1, 2, 3)', '"a".center(10**30)',
    '"12".zfill(5)', '"-12".zfill(5)', '"+x".zfill(4)', '"".zfill(3)', '"-".zfill(3)', '"abc".zfill(2)', '"a".zfill()', '"a".zfill("x")', '"a".zfill(1,2)',
    '"a\\tb".expandtabs()', '"abc\\tdef\\tg".expandtabs(4)', '"a\\tb\\n\\tc".expandtabs(4)', '"a\\tb".expandtabs(-1)', '"a\\tb".expandtabs(0)', '"a\\tb".expandtabs(tabsize=2)',
    '"a".expandtabs("x")', '"a".expandtabs(1, 2)', '"a".expandtabs(x=1)',
    '"abc".partition("b")', '"abc".partition("x")', '"abcbd".partition("b")', '"abc".rpartition("x")', '"abcbd".rpartition("b")', '"héllo".partition("l")',
    '"a".partition("")', '"a".partition(1)', '"a".rpartition(1)', '"a".partition()', '"a".partition(1, 2)',
    '"abc".removeprefix("ab")', '"abc".removeprefix("x")', '"abc".removeprefix("")', '"abc".removesuffix("bc")', '"abc".removesuffix("")', '"a".removeprefix(1)', '"a".removesuffix(1)', '"a".removeprefix()',
    '"abcabc".replace("b", "X")', '"abcabc".replace("b", "X", 1)', '"abc".replace("", "-")', '"abc".replace("", "-", 2)', '"abc".replace("x", "y")',
    '"aaa".replace("a", "b", -1)', '"aaa".replace("a", "b", 0)', '"héllo".replace("l", "L")', '"aaaa".replace("aa", "b")',
    '"a".replace("a")', '"a".replace(1, "b")', '"a".replace("a", 1)', '"a".replace("a", "b", "c")', '"a".replace()', '"a".replace(1, 2, 3, 4)',
    '"abc".translate(str.maketrans("ab", "xy", "c"))', 'str.maketrans("ab", "xy", "c")', 'str.maketrans({"a": "b", 98: None})', '"a".maketrans("a", "b")',
    '"abc".translate({97: None, 98: "xy", 99: 100})', '"abc".translate({})', '"abc".translate([])', '"abc".translate({97: 1.5})', '"a".translate(1)', '"a".translate()',
    'str.maketrans({"ab": 1})', 'str.maketrans()', 'str.maketrans(1)', 'str.maketrans("ab", "c")', 'str.maketrans({1.5: 2})', 'str.maketrans("a", 1)', 'str.maketrans("a", "b", 1)',
    '"a".upper(1)', '"a".isdigit(1)', '"a".title(1)', '"a".upper(x=1)', 'str.upper(1)', 'str.upper()', 'str.upper("abc")', 'str.center("ab", 4, "*")',
    'str("abc")', 'str(12)', 'str()', 'str(None)', 'str([1, "a"])',
]

PERCENT = [
    '"%s" % "x"', '"%s" % 5', '"%s %s" % (1, "a")', '"%r" % "x"', '"%r %a" % ("é", "é")', '"%a" % "\\U0001f600"', '"%s" % None', '"%s" % [1, 2]', '"%s" % (1,)', '"%s" % ((1, 2),)',
    '"%d" % 42', '"%d" % -42', '"%i" % 7', '"%u" % 7', '"%d" % True', '"%d" % 1.9', '"%d" % -1.9', '"%d" % 10**20', '"%x" % 255', '"%X" % 255', '"%o" % 8', '"%#x %#o %#X" % (255, 8, 255)', '"%x" % -255', '"%x" % True',
    '"%5d|" % 42', '"%-5d|" % 42', '"%05d" % -42', '"%+d % d" % (3, 3)', '"%.3d" % 5', '"%*d|" % (6, 1)', '"%-*d|" % (6, 1)', '"%*d|" % (-6, 1)',
    '"%f" % 3.14159', '"%.2f" % 3.14159', '"%10.3f|" % 3.14159', '"%-10.1f|" % 2.5', '"%05.1f" % -2.5', '"%+.1f" % 2.0', '"%f" % 3', '"%.0f" % 2.5', '"%.0f" % 3.5', '"%.*f" % (2, 3.14159)',
    '"%e" % 12345.678', '"%E" % 0.000123', '"%.0e" % 5', '"%10.3e|" % 1.5', '"%g" % 1e20', '"%G" % 1e-20', '"%g" % 0.0001', '"%g" % 123456789', '"%#g" % 1.0', '"%f" % float("inf")', '"%f" % float("nan")', '"%F" % float("-inf")',
    '"%c" % "x"', '"%c" % 65', '"%c" % 233', '"%5c|%-5c" % ("x", 65)',
    '"%.3s" % "abcdef"', '"%-10s|" % "ab"', '"%10s|" % "ab"', '"%*s|" % (-6, "ab")', '"%.*s" % (-1, "abc")', '"100%%" % ()', '"%s%%" % 50',
    '"%(a)s and %(b)d" % {"a": "x", "b": 2}', '"%(a)s %(a)r" % {"a": "q"}', '"%(a)5.1f|" % {"a": 2.25}', '"%s %(a)s" % {"a": 1}', '"%(x(y))s" % {"x(y)": 3}',
    '"abc" % ()', '"abc" % [1]', '"abc" % {}', '"abc" % 5', '"%s" % ()', '"%s %s" % 1', '"%d %d" % (1,)', '"%s" % (1, 2)', '"%(a)s %s" % {"a": 1}', '"%(a)*d" % {"a": 1}',
    '"%(a)s" % 5', '"%(a)s" % {}', '"%(a)s" % [1]', '"%d" % "x"', '"%i" % "x"', '"%x" % "x"', '"%x" % 1.5', '"%o" % [1]', '"%f" % "x"', '"%f" % 10**400', '"%d" % float("inf")', '"%d" % float("nan")',
    '"%c" % "ab"', '"%c" % 1.5', '"%c" % 0x110000', '"%c" % -1', '"%*d" % ("x", 1)', '"%.*f" % (1.5, 1)',
    '"%q" % 1', '"%q" % ()', '"%5%" % ()', '"%5%" % (1,)', '"%(a)%" % {"a": 1}', '"abc %" % ()', '"%(a" % {}', '"%s %" % (1,)', '"%ld %5.2lf" % (3, 1.5)', '"é%sé" % "ü"', '"%z" % 1',
]

FORMAT = [
    '"{} {}".format(1, "a")', '"{0} {1} {0}".format("x", "y")', '"{a}-{b}".format(a=1, b=2)', '"{0[1]}".format([5, 6])', '"{p[k]}".format(p={"k": "v"})', '"{0.real}".format(3)', '"{[0]}".format([5])', '"{.real}".format(3)',
    '"{!r}".format("a")', '"{!s}".format(1.5)', '"{!a}".format("é")', '"{!r:>5}".format("a")', '"{x!r}".format(x="a")',
    '"{:>5}|".format("ab")', '"{:<5}|".format(1)', '"{:^7.2f}|".format(3.14159)', '"{:*^9}".format("mid")', '"{:08.3f}".format(-3.5)', '"{:+d}".format(5)', '"{:x} {:X} {:o} {:b}".format(255, 255, 8, 5)',
    '"{:#x}".format(255)', '"{:,}".format(1234567)', '"{:_x}".format(65535)', '"{:%}".format(0.25)', '"{:.1%}".format(0.256)', '"{:e}".format(12345.678)', '"{:g}".format(1e-7)', '"{:10}|".format("ab")', '"{:10}|".format(12)',
    '"{:{}}".format("a", 5)', '"{0:>{1}}".format("a", 4)', '"{:{w}.{p}f}".format(3.14159, w=10, p=2)', '"{:{}{}}".format(7, ">", 4)', '"{0:}".format(5)', '"{0!s:}".format(5)',
    '"{{}} {{{}}}".format(1)', '"}}{{".format()', '"a".format(1, 2)', '"{}".format(None)', '"{}".format([1, "a"])', '"{a[0]}".format(a={0: 2})', '"{0[-1]}".format({"-1": 7})',
    '"{a}".format_map({"a": 1})', '"{a.real}".format_map({"a": 1})', '"a".format_map(1)', 'str.format("{}", 1)', '"{é}".format(é=3)',
    '"{0}{}".format(1, 2)', '"{}{0}".format(1, 2)', '"{2}".format(1)', '"{}".format()', '"{x}".format()', '"{0[1]}".format([1])', '"{0.y}".format(1)', '"{0!x}".format(1)',
    '"{:{:{}}}".format(1, 2, 3)', '"{a[0]}".format(a={"0": 2})', '"{0:d}".format("a")', '"{:x}".format(1.5)', '"{:5}|".format(None)', '"{0}".format_map({"0": 1})', '"{}".format_map({})',
    '"{x}".format_map(1)', '"{x}".format_map({})', '"a".format_map()', 'str.format()', '"{".format()', '"}".format()', '"{0[}".format()', '"{}}".format(1)', '"{0:{1}}".format(1)', '"{0:{1}}".format(1, "}")',
    '"{x!}".format(x="a")', '"{0[-1]}".format([1])', '"{0.}".format(1)', '"{0[]}".format([1])', '"{0]}".format([1])', '"{0!rr}".format(1)', '"{:s}".format(1)', '"{:d}".format(1.5)', '"{:,s}".format("a")',
    '"{:=5}".format("a")', '"{:+}".format("a")', '"{:.2}".format("abcdef")', '"{0:{a}}".format(1)', '"{:c}".format(65)',
]

ALL = [
    ("case", "str case mapping and character-class predicates", CASE),
    ("search", "str.find/rfind/index/rindex/count/startswith/endswith", SEARCH),
    ("split_strip", "str.split/rsplit/splitlines/strip/join", SPLIT),
    ("pad_replace", "padding, expandtabs, partition, affixes, replace, translate, argument errors", PAD),
    ("percent", "printf-style formatting with %", PERCENT),
    ("format", "str.format and str.format_map", FORMAT),
]

LIMITS = [
    '"a".center(10**18)', '"a".zfill(10**18)', '"%*d" % (10**18, 1)', '"a\\tb".expandtabs(10**18)', '"a\\tb".expandtabs(2**31)',
]
ALL.append(("limits", "huge widths fail cleanly", LIMITS))

CONSTRUCTOR = [
    'str()', 'str("abc")', 'str(12)', 'str(1.5)', 'str(None)', 'str([1, "a"])', 'str((1,))', 'str({"k": "v"})', 'str(object=5)', 'str(True)',
    'str(x=5)', 'str(1, 2)', 'str(1, "utf-8")', 'str(1, 2, 3, 4)', 'str("a", "utf-8")', 'str(1, encoding="utf-8")', 'str(1, errors="strict")', 'str(1, object=2)',
]
ALL.append(("constructor", "the str() constructor", CONSTRUCTOR))
