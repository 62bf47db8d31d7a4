#!/usr/bin/env python3
"""Regenerates tests/examples/NAME.out from CPython 3.11 for every examples/NAME.coro.

usage: tests/gen/examples.py   (from the repository root)

Each example runs with python3 from the examples folder; its stdout is normalized the way
the conformance corpus does it (paths to the file become its bare name, `0x...` becomes
`0x?`). Never edit the .out files by hand.
"""
import os
import re
import socket
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
examples = os.path.join(root, 'examples')
# Examples with tests/examples/NAME.args fetch URLs: they run against the shared corpus's
# test server, under its CPython host (which provides http_get), with `{base}` its address.
conformance = os.path.join(root, '..', 'shared', 'conformance')
with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
server = subprocess.Popen([sys.executable, os.path.join(conformance, 'server.py')],
                          env=dict(os.environ, CONFORMANCE_PORT=str(port)))
time.sleep(0.5)
for name in sorted(os.listdir(examples)):
    if not name.endswith('.coro'):
        continue
    args_path = os.path.join(root, 'tests', 'examples', name[:-5] + '.args')
    if os.path.exists(args_path):
        with open(args_path) as f:
            args = [a.replace('{base}', f'http://127.0.0.1:{port}/') for a in f.read().split()]
        argv = [sys.executable, os.path.join(conformance, 'cpython_host.py'), name] + args
    else:
        argv = [sys.executable, name]
    r = subprocess.run(argv, cwd=examples, capture_output=True, text=True)
    out = re.sub(r'(?:/[^/\s\'"<>:,()\[\]]+)+/' + re.escape(name) + r'(?![\w.])', name, r.stdout)
    out = re.sub(r'0x[0-9a-f]+', '0x?', out)
    with open(os.path.join(root, 'tests', 'examples', name[:-5] + '.out'), 'w', encoding='utf-8') as f:
        f.write(out)
    print(name, 'exit', r.returncode, r.stderr[-300:])
server.terminate()
