#!/usr/bin/env python3
"""Regenerates the `# expect:` lines of golden cases from CPython 3.11.

usage: tests/gen/expect.py FILE.coro...

Each file is run with python3 (after removing its old `# expect:` lines), in the file's folder so
that it imports the helper modules beside it; its stdout lines are
appended as `# expect: <line>` comments. `# expect runtime error:` / `# expect error:` lines
are written by the case's author and kept. Never edit `# expect:` lines by hand.
"""
import os
import subprocess
import sys

for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        lines = [l for l in f.read().splitlines() if not l.startswith('# expect: ') and l != '# expect:']
    while lines and not lines[-1].strip():
        lines.pop()
    source = '\n'.join(lines) + '\n'
    r = subprocess.run([sys.executable, '-c', source], capture_output=True, text=True,
                       cwd=os.path.dirname(os.path.abspath(path)),
                       env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1'))
    out = [('# expect: ' + l) if l else '# expect:' for l in r.stdout.splitlines()]
    with open(path, 'w', encoding='utf-8') as f:
        f.write(source + '\n' + '\n'.join(out) + ('\n' if out else ''))
    print(f'{path}: {len(out)} lines, exit {r.returncode}')
