#!/usr/bin/env python3
"""Regenerates tests/examples/NAME.out from CPython 3.11 for every examples/NAME.coro.

usage: tests/gen/examples.py   (from the repository root)

Each example runs with python3 from the examples folder; its stdout is normalized the way
the conformance corpus does it (paths to the file become its bare name, `0x...` becomes
`0x?`). Never edit the .out files by hand.
"""
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
examples = os.path.join(root, 'examples')
for name in sorted(os.listdir(examples)):
    if not name.endswith('.coro'):
        continue
    r = subprocess.run([sys.executable, name], cwd=examples, capture_output=True, text=True)
    out = re.sub(r'(?:/[^/\s\'"<>:,()\[\]]+)+/' + re.escape(name) + r'(?![\w.])', name, r.stdout)
    out = re.sub(r'0x[0-9a-f]+', '0x?', out)
    with open(os.path.join(root, 'tests', 'examples', name[:-5] + '.out'), 'w', encoding='utf-8') as f:
        f.write(out)
    print(name, 'exit', r.returncode)
