"""The hostile corpus: each attack as source (or bytes), and what the grader must record for it.

Every process an attack starts carries ``ctx.token`` in its command line or name, and every file
it tries to plant carries it in its name or content, so that leftovers can be found afterwards.
The 50 MB notebook and the other files are generated (nothing large is committed).
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "solutions" / "reference.py"
FULL_MARKS = 10.0

# Snippets shared by several attacks -----------------------------------------------------------
NAME_PROCESS = """
import ctypes as _ct
_ct.CDLL(None).prctl(15, b"@TOKEN@", 0, 0, 0)  # PR_SET_NAME: findable in /proc/*/comm
"""


@dataclass(frozen=True)
class Context:
    """What the generated attacks need to know about this run."""

    token: str
    tcp_port: int
    udp_port: int
    out_dir: Path
    corpus_dir: Path
    secret: str
    """A value placed in the grader's environment: no submission may see it."""


@dataclass(frozen=True)
class Case:
    """One attack: how to write it, and what the grader must record for it."""

    name: str
    attack: str
    filename: str
    source: str | Callable[[Context], bytes] | None
    status: str
    kind: str | None = None
    """The error kind (status ``error``) or the reason the run was cut short (status ``graded``)."""
    score: float = 0.0
    output_must_contain: tuple[str, ...] = ()
    errors_must_contain: tuple[str, ...] = ()
    symlink_to: str | None = None
    modes: tuple[str, ...] = ("bwrap", "process")
    """Isolation levels this case runs under (the process run is a shorter batch)."""
    needs_fence: bool = False
    """The expectation needs a file-system/network fence (bwrap, or Landlock in process mode)."""


def _v3_notebook(ctx: Context) -> bytes:
    cells = [{"cell_type": "code", "input": REFERENCE.read_text(), "language": "python", "outputs": [],
              "prompt_number": 1, "metadata": {}}]
    return json.dumps({"metadata": {"name": "v3"}, "nbformat": 3, "nbformat_minor": 0,
                       "worksheets": [{"cells": cells, "metadata": {}}]}).encode()


def _big_notebook(ctx: Context) -> bytes:
    """About 50 MB: the reference code, then a cell whose saved output is a huge image."""
    blob = base64.b64encode(b"\x89PNG" + os.urandom(37 * 2**20)).decode()
    cells = [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Regularización"},
        {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "source": REFERENCE.read_text(),
         "outputs": [{"output_type": "display_data", "metadata": {},
                      "data": {"image/png": blob, "text/plain": ["<Figure size 640x480>"]}}]},
    ]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()


def _forged_state(ctx: Context) -> str:
    dense = lambda units, act, reg: {"class_name": "Dense", "name": f"d{units}{act}", "builtin": True, "units": units,
                                     "activation": act, "kernel_regularizer": reg}
    l2 = {"class_name": "L2", "l2": 0.01}
    layers = [dense(64, "relu", l2), {"class_name": "Dropout", "name": "do1", "builtin": True, "rate": 0.5},
              dense(64, "relu", l2), {"class_name": "Dropout", "name": "do2", "builtin": True, "rate": 0.5},
              dense(1, "sigmoid", None)]
    model = {"index": 0, "kind": "sequential", "class_name": "Sequential", "builtin": True, "name": "forged",
             "layer_order": "config", "input_shape": [None, 30], "layers": layers,
             "compile": {"optimizer": {"class_name": "Adam"}, "loss": {"name": "binary_crossentropy"},
                         "metrics": [], "error": None, "optimizer_given": True},
             "fits": [], "serialized": None}
    return json.dumps({"type": "state", "final": "completed", "events": [["fit", 0]], "models": {"0": model},
                       "models_seen": 1, "global_model": 0, "errors": [], "error_count": 0, "notes": [],
                       "finished": True, "units_run": 1, "exit": None})


SOURCES: dict[str, str] = {
    "loop_python": "i = 0\nwhile True:\n    i += 1\n",
    "loop_numpy": "@REF@\nimport numpy as np\nnp.linalg.matrix_power(np.eye(3000) * 0.5, 2**62)\n",
    "sigstop_self": "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n@REF@",
    "memory_bomb": "hog = []\nwhile True:\n    hog.append(b'x' * 10**8)\n",
    "tf_memory_bomb": "import tensorflow as tf\nbig = tf.ones([60000, 60000])\nprint(float(tf.reduce_sum(big)))\n",
    "fork_memory_bomb": """
import os, time
for i in range(8):
    if os.fork() == 0:
        @NAME@
        hog = b'x' * (1500 * 2**20)
        time.sleep(3600)
        os._exit(0)
time.sleep(30)
""",
    "fork_bomb": """
import os, sys, time
first = os.getpid()
for generation in range(12):        # every process forks again: up to 4096 processes
    try:
        os.fork()
    except OSError as exc:
        print('fork refused in generation', generation, exc, flush=True)
        break
if os.getpid() != first:
    @NAME@
    time.sleep(3600)
    os._exit(0)
""",
    "thread_bomb": """
import threading
stop = threading.Event()
threads = []
try:
    for i in range(100000):
        t = threading.Thread(target=stop.wait, daemon=True)
        t.start()
        threads.append(t)
except RuntimeError as exc:
    print('thread refused after', len(threads), 'threads:', exc)
stop.set()
for t in threads:
    t.join()
@REF@""",
    "detached_sleepers": """
import os, subprocess, time
started = 0
for n in range(3):          # new sessions, no pipes shared with the grader
    subprocess.Popen(['/bin/bash', '-c', 'exec -a @TOKEN@ sleep 3600'], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started += 1
if os.fork() == 0:          # the classic daemon: fork, setsid, fork, sleep (holding stdout open)
    os.setsid()
    if os.fork() == 0:
        @NAME@
        time.sleep(3600)
    os._exit(0)
started += 1
print('started', started, 'detached processes', flush=True)
@REF@""",
    "sys_exit": "@REF@\nimport sys\nsys.exit(1)\nmodel = Sequential([Dense(1)])\nmodel.compile('sgd', 'mse')\nmodel.fit(X_train, y_train, epochs=1)\n",
    "os_exit": "import os\nos._exit(3)\n@REF@",
    "kill_parent": """
import os, signal
for target in (os.getppid(), 1, 2):
    try:
        os.kill(target, signal.SIGKILL)
        print('LEAK: could kill', target)
    except OSError as exc:
        print('kill', target, exc)
@REF@""",
    "kill_all": "@REF@\nimport os, signal\nos.kill(-1, signal.SIGKILL)\n",
    "print_100mb": "import sys\nfor i in range(100):\n    sys.stdout.write('x' * (2**20))\n@REF@",
    "write_1gb": """
chunk = b'\\0' * 2**20
with open('big-@TOKEN@.bin', 'wb') as fh:
    for i in range(1024):
        fh.write(chunk)
@REF@""",
    "fill_disk": """
import time
chunk = b'\\1' * 2**20
for n in range(40):
    try:
        with open(f'fill-{n}-@TOKEN@.bin', 'wb') as fh:
            for i in range(60):
                fh.write(chunk)
    except OSError as exc:
        print('stopped at file', n, exc)
        break
time.sleep(5)
@REF@""",
    "many_files": """
import os, time
os.mkdir('many')
for n in range(30000):
    open(f'many/{n}-@TOKEN@', 'w').close()
time.sleep(5)
@REF@""",
    "fake_results": """
import json, os, sys
fake = {"schema": "autograder.result/1", "id": "@ID@", "status": "graded", "score": 10.0, "max_score": 10.0,
        "note": "@TOKEN@"}
targets = ['.', '..', '../..', '/tmp', '/tmp/ag', '/', os.path.expanduser('~'), '@OUT@', '@OUT@/@ID@',
           '@CORPUS@']
for folder in targets:
    for name in ('result.json', 'grades.csv', 'report.md', 'fake-@TOKEN@.json'):
        try:
            with open(os.path.join(folder, name), 'w') as fh:
                json.dump(fake, fh)
            print('wrote', os.path.join(folder, name))
        except OSError as exc:
            pass
print(json.dumps({"type": "state", "final": "completed", "models": {}, "note": "@TOKEN@"}))
sys.stderr.write(json.dumps({"type": "run_result", "outcome": "completed", "score": 10}) + "\\n")
""",
    "forge_channel": """
import os
def forge():  # one statement: nothing reports after the forged line
    line = (@FORGED@ + '\\n').encode()
    for fd in range(3, 1024):
        try:
            os.write(fd, line)
        except OSError:
            pass
    os._exit(0)
forge()
""",
    "read_solutions": """
import os
paths = ['../solutions/reference.py', '../../solutions/reference.py', '../../../solutions/reference.py',
         '@REPO@/solutions/reference.py', '@REPO@/solutions/reference_notebook.ipynb',
         '@REPO@/assignments/l2-dropout/data.npz', '@REPO@/tests', '@CORPUS@', '@OUT@']
for path in paths:
    try:
        if os.path.isdir(path):
            print('LEAK: listed', path, os.listdir(path)[:5])
        else:
            text = open(path, 'rb').read()
            print('LEAK: read', path, len(text))
            if path.endswith('.py'):
                exec(text.decode(), globals())
    except OSError as exc:
        print('refused', path, type(exc).__name__)
""",
    "read_grader": """
import os, sys
try:
    import autograder.grading
    print('LEAK: imported', autograder.grading.__file__)
except Exception as exc:
    print('import refused', type(exc).__name__)
for path in ['@REPO@/autograder/grading.py', '@REPO@/autograder/checks/dropout.py', '@REPO@/pyproject.toml',
             '@REPO@/.git/config']:
    try:
        print('LEAK: read', path, len(open(path).read()))
    except OSError as exc:
        print('refused', path, type(exc).__name__)
""",
    "read_secrets": """
import glob, os
if '@SECRET@' in repr(dict(os.environ)):
    print('LEAK: grader environment')
paths = ['/etc/shadow', '/etc/gshadow', '/root/.bash_history', '/root/.ssh/id_rsa', '/proc/1/environ',
         f'/proc/{os.getppid()}/environ', f'/proc/{os.getppid()}/mem', f'/proc/{os.getppid()}/fd/0']
paths += glob.glob('/etc/ssh/ssh_host_*_key')
for path in paths:
    try:
        data = open(path, 'rb').read(64)
        if data:
            print('LEAK: read', path)
    except OSError as exc:
        print('refused', path, type(exc).__name__)
@REF@""",
    "network": """
import socket
for target in (('127.0.0.1', @PORT@), ('localhost', @PORT@), ('1.1.1.1', 80)):
    try:
        conn = socket.create_connection(target, timeout=3)
        conn.sendall(b'@TOKEN@')
        print('NET-OK: connected to', target)
    except OSError as exc:
        print('connect refused', target, exc)
try:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.sendto(b'@TOKEN@', ('127.0.0.1', @UDP@))
    print('udp sent (delivery is checked by the listener)')
except OSError as exc:
    print('udp refused', exc)
@REF@""",
    "close_std_fds": """
import os
os.close(0)
os.close(1)
os.close(2)
junk = os.open('junk-@TOKEN@.txt', os.O_WRONLY | os.O_CREAT)
os.dup2(junk, 1)
os.dup2(junk, 2)
for fd in range(3, 100):
    if fd != junk:
        try:
            os.close(fd)
        except OSError:
            pass
@REF@""",
    "close_all_fds": "import os\nos.closerange(0, 1 << 16)\n@REF@",
    "deep_recursion": """
import sys
def down(n):
    return down(n + 1) + 1
try:
    down(0)
except RecursionError as exc:
    print('caught', exc)
sys.setrecursionlimit(10**6)
try:
    down(0)
except RecursionError as exc:
    print('caught again', exc)
@REF@""",
    "segfault": "@REF@\nimport ctypes\nctypes.string_at(0)\n",
    "monkeypatch_builtins": """@REF@
import builtins, json, os, sys
builtins.isinstance = lambda *a: False
builtins.len = lambda *a: 0
builtins.str = lambda *a, **k: 'x'
builtins.print = None
del builtins.dict
json.dumps = lambda *a, **k: '{"forged": true}'
os.write = lambda fd, data: len(data)
sys.stdout = None
""",
    "stdin_read": "import sys\nprint(repr(sys.stdin.read()))\nname = input('name? ')\n@REF@",
    "chmod_lock": """
import os
os.makedirs('locked/inner', exist_ok=True)
open('locked/inner/file-@TOKEN@', 'w').write('x')
os.chmod('locked/inner', 0)
os.chmod('locked', 0)
@REF@
os.chmod('.', 0)
""",
}


def _source_case(name, attack, status, kind=None, score=0.0, **kw) -> Case:
    return Case(name=name, attack=attack, filename=f"{name}.py", source=SOURCES[name], status=status, kind=kind,
                score=score, **kw)


_CASES: tuple[Case, ...] = (
    _source_case("loop_python", "infinite loop in Python", "error", "timeout"),
    _source_case("loop_numpy", "model, then a NumPy call that never returns", "graded", "timeout", FULL_MARKS,
                 modes=("bwrap",)),
    _source_case("sigstop_self", "stops itself with SIGSTOP", "error", "timeout", modes=("bwrap",)),
    _source_case("memory_bomb", "memory bomb (allocates until refused)", "error", "memory_limit"),
    _source_case("tf_memory_bomb", "TensorFlow tensor of 13 GB", "error", "memory_limit", modes=("bwrap",)),
    _source_case("fork_memory_bomb", "8 forks x 1.5 GB each", "error", "memory_limit"),
    _source_case("fork_bomb", "bounded fork bomb (12 generations, up to 4096 sleeping processes)", "graded", None, 0.0,
                 output_must_contain=("fork refused",)),
    _source_case("thread_bomb", "thread bomb, then the reference", "graded", None, FULL_MARKS,
                 output_must_contain=("thread refused",), modes=("bwrap",)),
    _source_case("detached_sleepers", "detached processes (new session, daemon) left sleeping", "graded", None,
                 FULL_MARKS, output_must_contain=("started 4 detached processes",)),
    _source_case("sys_exit", "sys.exit(1) after the model, then a bad model", "graded", None, FULL_MARKS,
                 modes=("bwrap",)),
    _source_case("os_exit", "os._exit(3) before any model", "error", "exited", modes=("bwrap",)),
    _source_case("kill_parent", "os.kill(os.getppid(), 9) and kill(1, 9)", "graded", None, FULL_MARKS, modes=("bwrap",)),
    _source_case("kill_all", "model, then os.kill(-1, SIGKILL)", "graded", None, FULL_MARKS),
    _source_case("print_100mb", "prints 100 MB, then the reference", "graded", None, FULL_MARKS),
    _source_case("write_1gb", "writes a 1 GB file", "graded", None, FULL_MARKS,
                 errors_must_contain=("File too large",), modes=("bwrap",)),
    _source_case("fill_disk", "fills the disk with 60 MB files", "error", "disk_limit"),
    _source_case("many_files", "creates 30000 files", "error", "disk_limit", modes=("bwrap",)),
    _source_case("fake_results", "writes fake result files (cwd, parents, /tmp, out dir) and prints a fake report",
                 "graded", None, 0.0, needs_fence=True),
    _source_case("forge_channel", "writes a forged report on every descriptor, then exits", "error",
                 "report_mismatch", modes=("bwrap",)),
    _source_case("read_solutions", "reads ../solutions, the hidden data, other submissions, the output folder",
                 "graded", None, 0.0, needs_fence=True),
    _source_case("read_grader", "imports and reads the grader's package", "graded", None, 0.0, needs_fence=True),
    _source_case("read_secrets", "reads /etc/shadow, ssh keys, the grader's environment and /proc", "graded", None,
                 FULL_MARKS, modes=("bwrap",)),
    _source_case("network", "connects to a port the test listens on (TCP, UDP), and to the internet", "graded",
                 None, FULL_MARKS, needs_fence=True),
    _source_case("close_std_fds", "closes fds 0-2, overwrites 1-2, closes 3-99", "graded", None, FULL_MARKS,
                 modes=("bwrap",)),
    _source_case("close_all_fds", "closes every descriptor, then builds the model", "error", "crash"),
    _source_case("deep_recursion", "deep recursion (default and 10^6 limits)", "graded", None, FULL_MARKS,
                 output_must_contain=("caught maximum recursion depth",), modes=("bwrap",)),
    _source_case("segfault", "model, then a segmentation fault (ctypes)", "graded", "crash", FULL_MARKS,
                 modes=("bwrap",)),
    _source_case("monkeypatch_builtins", "model, then breaks builtins, json.dumps, os.write, sys.stdout", "graded",
                 None, FULL_MARKS, modes=("bwrap",)),
    _source_case("stdin_read", "reads standard input", "graded", None, FULL_MARKS,
                 errors_must_contain=("EOFError",), modes=("bwrap",)),
    _source_case("chmod_lock", "chmod 000 on its folders", "graded", None, FULL_MARKS, modes=("bwrap",)),
    Case("notebook_50mb", "a 50 MB notebook (huge saved output)", "notebook_50mb.ipynb", _big_notebook,
         "graded", None, FULL_MARKS, modes=("bwrap",)),
    Case("notebook_v3", "a notebook in nbformat 3", "notebook_v3.ipynb", _v3_notebook, "graded", None, FULL_MARKS,
         modes=("bwrap",)),
    Case("notebook_bad_json", "a notebook with invalid JSON", "notebook_bad_json.ipynb",
         lambda ctx: b'{"cells": [{"cell_type": "code", "source": "import os"', "error", "corrupt_notebook",
         modes=("bwrap",)),
    Case("symlink_to_grader", "a symlink submission pointing at a grader file", "symlink_to_grader.py", None,
         "error", "symlink", symlink_to=str(REPO / "autograder" / "grading.py"), modes=("bwrap",)),
)


# Batch order: two workers take neighbouring submissions, so the heavy cases are spread apart.
ORDER = ("loop_python memory_bomb fork_bomb detached_sleepers sys_exit os_exit kill_parent fork_memory_bomb "
         "kill_all print_100mb write_1gb loop_numpy fill_disk many_files fake_results forge_channel "
         "read_solutions tf_memory_bomb read_grader read_secrets network sigstop_self close_std_fds close_all_fds "
         "thread_bomb deep_recursion segfault monkeypatch_builtins stdin_read chmod_lock notebook_50mb "
         "notebook_v3 notebook_bad_json symlink_to_grader").split()
CASES: tuple[Case, ...] = tuple(sorted(_CASES, key=lambda case: ORDER.index(case.name)))
assert len(ORDER) == len(CASES) == len({c.name for c in CASES})


def expand(text: str, ctx: Context, sub_id: str) -> str:
    """Fill an attack's placeholders."""
    reference = REFERENCE.read_text()
    text = re.sub(r"^([ ]*)@NAME@", lambda m: textwrap.indent(NAME_PROCESS.strip(), m.group(1)), text, flags=re.M)
    values = {"@REF@": reference,
              "@FORGED@": repr(_forged_state(ctx)), "@ID@": sub_id, "@OUT@": str(ctx.out_dir),
              "@CORPUS@": str(ctx.corpus_dir), "@REPO@": str(REPO), "@PORT@": str(ctx.tcp_port),
              "@UDP@": str(ctx.udp_port), "@SECRET@": ctx.secret}
    for key, value in values.items():
        text = text.replace(key, value)
    return text.replace("@TOKEN@", ctx.token)


def attack_id(number: int, case: Case) -> str:
    return f"h{number:02d}_{case.name}"


def ref_id(number: int) -> str:
    return f"h{number:02d}z_reference"


def write_corpus(ctx: Context, cases: tuple[Case, ...]) -> list[Path]:
    """Write every attack followed by a reference copy; returns the paths in batch order."""
    ctx.corpus_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, case in enumerate(cases, start=1):
        sub_id = attack_id(number, case)
        path = ctx.corpus_dir / (sub_id + Path(case.filename).suffix)
        if case.symlink_to:
            path.symlink_to(case.symlink_to)
        elif isinstance(case.source, str):
            path.write_text(expand(case.source, ctx, sub_id))
        else:
            path.write_bytes(case.source(ctx))
        ref = ctx.corpus_dir / (ref_id(number) + ".py")
        ref.write_text(REFERENCE.read_text())
        paths += [path, ref]
    return paths


def new_context(base: Path) -> Context:
    token = "hx" + secrets.token_hex(4)
    return Context(token=token, tcp_port=0, udp_port=0, out_dir=base / "out", corpus_dir=base / "corpus",
                   secret="SECRET-" + secrets.token_hex(8))
