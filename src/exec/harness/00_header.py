"""anpl worker harness: runs untrusted Python programs for the anpl exec module.

The Rust side (src/exec/worker.rs) starts one of these per pool slot, usually as PID 1 of
fresh PID, mount and network namespaces. Protocol, one JSON object per line:

  Rust -> worker (stdin):  {"setup": {...}} once, then {"check": {...}} per check
  worker -> Rust (stdout): {"ready": {...}} or {"prelude_error": {...}}, then {"outcome": {...}}

Each check runs in a child forked from this warm worker. The child lowers its limits,
enters a Landlock domain, drops to an unprivileged user and only then loads the program.
It reports on a private pipe, each line prefixed with a per-check nonce; its stdout and
stderr are captured text and are never parsed. This file must stay importable with only
the standard library.
"""

import builtins
import ctypes
import errno
import fcntl
import functools
import gc
import inspect
import json
import math
import os
import resource
import secrets
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
import types

HARNESS_FILE = __file__ if "__file__" in globals() else "<harness>"
PROGRAM_FILE = "<program>"
_dumps = json.dumps
_loads = json.loads
_write = os.write
_exit = os._exit


