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
import functools
import gc
import inspect
import json
import os
import random
import resource
import secrets
import selectors
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


# ---------------------------------------------------------------- values and errors


def _numpy():
    return sys.modules.get("numpy")


def _to_source(value, np):
    """Python source text for a value, with numpy arrays written as np.array(...)."""
    if np is not None:
        if isinstance(value, np.ndarray):
            dtype = value.dtype
            body = repr(value.tolist())
            if dtype.kind in "iu" and dtype != np.dtype("int64") or dtype.kind == "f" and dtype != np.dtype("float64"):
                return "np.array(%s, dtype=np.%s)" % (body, dtype.name)
            if dtype.kind not in "biuf":
                return "np.array(%s, dtype=%r)" % (body, dtype.str)
            return "np.array(%s)" % body
        if isinstance(value, list):
            return "[" + ", ".join(_to_source(v, np) for v in value) + "]"
        if isinstance(value, tuple):
            inner = ", ".join(_to_source(v, np) for v in value)
            return "(" + inner + ("," if len(value) == 1 else "") + ")"
        if isinstance(value, dict):
            return "{" + ", ".join(_to_source(k, np) + ": " + _to_source(v, np) for k, v in value.items()) + "}"
    return repr(value)


def value_source(value, limit):
    """{"src": text, "truncated": bool}; never raises, whatever the value's __repr__ does."""
    try:
        text = repr(value)
        np = _numpy()
        if np is not None and "array(" in text or len(text) > 1000 and np is not None:
            text = _to_source(value, np)
        if not isinstance(text, str):
            text = "<repr returned %s>" % type(text).__name__
    except BaseException as exc:  # a hostile or broken __repr__ must not take the harness down
        try:
            text = "<unrepresentable %s: %s>" % (type(value).__name__, type(exc).__name__)
        except BaseException:
            text = "<unrepresentable value>"
    if len(text) > limit:
        return {"src": text[:limit], "truncated": True}
    return {"src": text, "truncated": False}


def _safe_str(obj, limit):
    try:
        text = str(obj)
    except BaseException:
        text = "<unprintable>"
    return text[:limit]


def error_record(exc, limit):
    """An exception as {"type", "message", "frames", "line", "column"}; harness frames dropped."""
    frames = []
    try:
        for fs in traceback.extract_tb(exc.__traceback__):
            if fs.filename == HARNESS_FILE:
                continue
            frames.append(
                {
                    "file": fs.filename,
                    "line": fs.lineno or 0,
                    "function": fs.name,
                    "in_program": fs.filename == PROGRAM_FILE,
                }
            )
    except BaseException:
        pass
    if len(frames) > 60:  # deep recursion: keep where it started and where it ended
        frames = frames[:20] + frames[-40:]
    cls = type(exc)
    name = cls.__name__ if cls.__module__ in ("builtins", "__anpl_program__") else cls.__module__ + "." + cls.__name__
    record = {"type": name, "message": _safe_str(exc, limit), "frames": frames, "line": None, "column": None}
    if isinstance(exc, SyntaxError):
        record["message"] = _safe_str(exc.msg, limit)
        record["line"] = exc.lineno
        record["column"] = exc.offset
        if exc.filename == PROGRAM_FILE and exc.lineno:
            record["frames"] = [{"file": PROGRAM_FILE, "line": exc.lineno, "function": "<module>", "in_program": True}]
    return record


def values_equal(actual, expected):
    """Python == except numpy arrays (and lists/tuples against arrays): shape and elements."""
    np = _numpy()
    if np is not None and (isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray)):
        try:
            a = np.asarray(actual)
            b = np.asarray(expected)
        except BaseException:
            return False
        if a.shape != b.shape:
            return False
        try:
            return bool(np.array_equal(a, b))
        except BaseException:
            return False
    if type(actual) is type(expected) and isinstance(actual, (list, tuple)):
        return len(actual) == len(expected) and all(values_equal(x, y) for x, y in zip(actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        if actual.keys() != expected.keys():
            return False
        return all(values_equal(actual[k], expected[k]) for k in actual)
    result = actual == expected
    if np is not None and isinstance(result, np.ndarray):
        return bool(result.all()) if result.size else False
    return bool(result)


# ---------------------------------------------------------------- tracing


class Tracer:
    """Wraps hole functions and streams one enter and one exit record per call."""

    def __init__(self, emit, value_limit, max_events):
        self.emit = emit
        self.value_limit = value_limit
        self.max_events = max_events
        self.stack = []
        self.next_id = 0
        self.call_index = None
        self.dropped = 0

    def wrap(self, name, fn):
        tracer = self
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):
            signature = None

        def traced(*args, **kwargs):
            event_id = tracer.next_id
            tracer.next_id += 1
            record = event_id < tracer.max_events
            arg_pairs = None
            entry = None
            if record:
                arg_pairs = tracer.arguments(signature, args, kwargs)
                entry = [tracer.source(v) for _, v in arg_pairs]
                tracer.emit(
                    {
                        "k": "enter",
                        "id": event_id,
                        "parent": tracer.stack[-1] if tracer.stack else None,
                        "call": tracer.call_index,
                        "function": name,
                        "args": [[n, src] for (n, _), src in zip(arg_pairs, entry)],
                    }
                )
            else:
                tracer.dropped += 1
            tracer.stack.append(event_id)
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                tracer.stack.pop()
                if record:
                    tracer.emit({"k": "exit", "id": event_id, "error": error_record(exc, tracer.value_limit)})
                raise
            tracer.stack.pop()
            if record:
                # Entry values were serialised before the call, so later mutation cannot rewrite
                # them; serialising again shows what the hole changed in place.
                after = [tracer.source(v) for _, v in arg_pairs]
                tracer.emit(
                    {
                        "k": "exit",
                        "id": event_id,
                        "result": tracer.source(result),
                        "args_after": after if after != entry else None,
                    }
                )
            return result

        functools.update_wrapper(traced, fn)
        traced.__anpl_traced__ = True
        return traced

    def arguments(self, signature, args, kwargs):
        if signature is not None:
            try:
                bound = signature.bind(*args, **kwargs)
                pairs = []
                for key, value in bound.arguments.items():
                    pairs.append((key, value))
                return pairs
            except TypeError:
                pass
        pairs = [("arg%d" % (i + 1), v) for i, v in enumerate(args)]
        pairs.extend(kwargs.items())
        return pairs

    def source(self, value):
        return value_source(value, self.value_limit)


# ---------------------------------------------------------------- the check child


class Emitter:
    """Writes nonce-prefixed JSON lines to the result pipe; nothing else reads that fd."""

    def __init__(self, fd, nonce):
        self._fd = fd
        self._prefix = nonce + " "

    def __call__(self, obj):
        data = (self._prefix + _dumps(obj) + "\n").encode("utf-8", "backslashreplace")
        view = memoryview(data)
        while view:
            try:
                n = _write(self._fd, view)
            except InterruptedError:
                continue
            view = view[n:]


def _eval_namespace(ns):
    """Names an expected value or a call may use even when the program spelt numpy differently."""
    extra = {}
    np = _numpy()
    if np is not None:
        for name, value in (("np", np), ("numpy", np), ("array", np.array)):
            if name not in ns:
                extra[name] = value
    return extra


def run_check(check, emit, limit, max_events):
    """Load the program, trace the requested functions, evaluate every call. Runs in the child."""
    module = types.ModuleType("__anpl_program__")
    sys.modules["__anpl_program__"] = module
    ns = module.__dict__
    ns["__builtins__"] = builtins
    tracer = Tracer(emit, limit, max_events)
    try:
        code = compile(check["program"], PROGRAM_FILE, "exec", dont_inherit=True)
        exec(code, ns)
    except BaseException as exc:
        emit({"k": "load_error", "error": error_record(exc, limit)})
        return
    for name in check["traced"]:
        fn = ns.get(name)
        if fn is None:
            fn = _unimplemented(name)
        if callable(fn) and not getattr(fn, "__anpl_traced__", False):
            ns[name] = tracer.wrap(name, fn)
    emit({"k": "loaded"})
    extra = _eval_namespace(ns)
    for index, spec in enumerate(check["calls"]):
        tracer.call_index = index
        tracer.stack = []
        expected = None
        has_expected = spec.get("expected") is not None
        if has_expected:
            try:
                expected = eval(compile(spec["expected"], "<expected>", "eval", dont_inherit=True), ns, extra)
            except BaseException as exc:
                emit({"k": "call", "i": index, "expected_error": error_record(exc, limit), "passed": False})
                if check["stop_at_first_failure"]:
                    return
                continue
        try:
            value = eval(compile(spec["call"], "<call>", "eval", dont_inherit=True), ns, extra)
        except BaseException as exc:
            emit({"k": "call", "i": index, "error": error_record(exc, limit), "passed": False if has_expected else None})
            if check["stop_at_first_failure"]:
                return
            continue
        passed = None
        compare_error = None
        if has_expected:
            try:
                passed = values_equal(value, expected)
            except BaseException as exc:
                passed = False
                compare_error = error_record(exc, limit)
        emit({"k": "call", "i": index, "value": value_source(value, limit), "passed": passed, "compare_error": compare_error})
        if check["stop_at_first_failure"] and passed is False:
            return


def _unimplemented(name):
    def hole(*args, **kwargs):
        raise NotImplementedError("hole %s is not implemented yet" % name)

    hole.__name__ = name
    return hole


# Landlock constants (include/uapi/linux/landlock.h).
_LL_CREATE_RULESET, _LL_ADD_RULE, _LL_RESTRICT_SELF = 444, 445, 446
_LL_WRITE_FILE = 1 << 1
_LL_WRITE_RIGHTS_V1 = (
    (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)
)
_LL_REFER = 1 << 13
_LL_TRUNCATE = 1 << 14
_LL_NET_ALL = (1 << 0) | (1 << 1)
_LL_SCOPE_ABSTRACT_UNIX = 1 << 0
_PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_LIBC = []


def _libc():
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def landlock_abi():
    """The kernel's Landlock ABI version, or a reason string when there is none."""
    try:
        libc = _libc()
        version = libc.syscall(_LL_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        if version < 0:
            return os.strerror(ctypes.get_errno())
        return int(version)
    except BaseException as exc:
        return "cannot call the kernel: %s" % exc


def landlock_ruleset(abi, writable_dir):
    """A ruleset fd forbidding writes anywhere but writable_dir (and /dev/null) and, from
    ABI 4, all TCP. Built once per worker; each check child only enforces it."""
    libc = _libc()
    fs = _LL_WRITE_RIGHTS_V1
    if abi >= 2:
        fs |= _LL_REFER
    if abi >= 3:
        fs |= _LL_TRUNCATE
    attr = _RulesetAttr(fs, _LL_NET_ALL if abi >= 4 else 0, _LL_SCOPE_ABSTRACT_UNIX if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(_LL_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        for path, rights in ((writable_dir, fs), ("/dev/null", _LL_WRITE_FILE | (_LL_TRUNCATE if abi >= 3 else 0))):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneath(rights, fd)
                if libc.syscall(_LL_ADD_RULE, ruleset, 1, ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                    raise OSError(ctypes.get_errno(), "landlock_add_rule " + path)
            finally:
                os.close(fd)
    except BaseException:
        os.close(ruleset)
        raise
    return ruleset


def landlock_enforce(ruleset):
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.syscall(_LL_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) < 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self")


def child_main(setup, check, nonce, result_fd, out_fd, err_fd, check_dir, layers):
    """Runs in the forked child: confine, then run the check. Never returns."""
    try:
        if layers.get("landlock") == "active":
            landlock_enforce(layers["landlock_ruleset"])
        os.setsid()  # own process group, so the fallback kill (no PID namespace) reaches helpers
        _libc().prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the worker
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        # The result pipe moves to a random high descriptor and everything else is closed, so
        # code that writes blindly to descriptors cannot reach it; lines also need the nonce.
        target = random.randrange(300, 1000)
        os.dup2(result_fd, target, inheritable=False)
        os.closerange(3, target)
        os.closerange(target + 1, 65536)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")
        os.chdir(check_dir)
        os.environ["HOME"] = check_dir
        os.environ["TMPDIR"] = check_dir
        tempfile.tempdir = None
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGALRM):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        limits = setup["limits"]
        cpu = limits["cpu_seconds"]
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if layers.get("drop_user") == "active":
            uid = setup["sandbox"]["uid"]
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
    except BaseException as exc:
        try:
            Emitter(result_fd, nonce)({"k": "sandbox_error", "error": error_record(exc, 2000)})
        finally:
            _exit(70)
    emit = Emitter(target, nonce)
    try:
        run_check(check, emit, setup["limits"]["max_value_bytes"], setup["limits"]["max_trace_events"])
        emit({"k": "done"})
    except BaseException as exc:
        try:
            emit({"k": "harness_error", "error": error_record(exc, 2000)})
        except BaseException:
            pass
        _exit(71)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    _exit(0)


# ---------------------------------------------------------------- the worker


def probe_layers(setup):
    """Which confinement layers this worker can apply; a string value is the reason one is off."""
    sandbox = setup["sandbox"]
    layers = {}
    in_pid_ns = os.getpid() == 1
    layers["pid_namespace"] = "active" if in_pid_ns else "the worker is not PID 1 of its own PID namespace"
    try:
        own_proc = in_pid_ns and os.readlink("/proc/self") == str(os.getpid())
    except OSError:
        own_proc = False
    layers["private_proc"] = "active" if own_proc else "/proc is the host's"
    try:
        with open("/proc/net/dev") as f:
            names = {line.split(":")[0].strip() for line in f.readlines()[2:]}
        layers["network"] = "active" if names <= {"lo"} else "network interfaces visible: " + ", ".join(sorted(names))
    except OSError as exc:
        layers["network"] = "cannot read /proc/net/dev: %s" % exc.strerror
    if in_pid_ns and layers["network"] == "active":
        _bring_loopback_up()
    if not sandbox["landlock"]:
        layers["landlock"] = "disabled in the configuration"
    else:
        abi = landlock_abi()
        if isinstance(abi, int) and abi >= 1:
            layers["landlock"] = "active"
            layers["landlock_abi"] = abi
        else:
            layers["landlock"] = "the kernel has no Landlock (%s)" % abi
    if not sandbox["drop_user"]:
        layers["drop_user"] = "disabled in the configuration"
    elif os.geteuid() != 0:
        layers["drop_user"] = "not root: checks run as the invoking user"
    else:
        paths = python_paths([])
        if layers["private_proc"] == "active":
            try:
                expose_paths(sandbox["uid"], python_paths([setup["checks_dir"]]))
            except OSError as exc:
                layers["expose_error"] = str(exc)
        layers["drop_user"] = _probe_setuid(sandbox["uid"], paths)
    return layers


def _bring_loopback_up():
    # A fresh network namespace has lo down; programs that talk to themselves over 127.0.0.1
    # (rare, harmless) should get a refused connection rather than an unreachable network.
    try:
        import fcntl
        import socket
        import struct

        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            ifreq = struct.pack("16sH14s", b"lo", 0, b"")
            flags = struct.unpack("16sH14s", fcntl.ioctl(sock, 0x8913, ifreq))[1]
            fcntl.ioctl(sock, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))
        finally:
            sock.close()
    except BaseException:
        pass


def _probe_setuid(uid, paths):
    """Can `uid` be taken, and can it still read the Python installation afterwards?"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        except BaseException:
            _exit(1)
        blocked = [p for p in paths if not os.access(p, os.R_OK | os.X_OK)]
        os.write(w, "\n".join(blocked).encode())
        _exit(0)
    os.close(w)
    blocked = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        blocked += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return "cannot switch to uid %d (is it mapped in this user namespace?)" % uid
    if blocked:
        first = blocked.decode(errors="replace").splitlines()[0]
        return "uid %d cannot read the Python installation (%s)" % (uid, first)
    return "active"


def python_paths(extra):
    """Directories a check must be able to read: the interpreter, its stdlib and site-packages."""
    found = set(extra)
    for p in [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix] + sys.path:
        if not p:
            continue
        if os.path.isfile(p):  # a zipped stdlib
            p = os.path.dirname(p)
        if os.path.isdir(p):
            found.add(os.path.realpath(p))
    for exe in (sys.executable, os.path.realpath(sys.executable)):
        if exe:
            found.add(os.path.dirname(exe))
    roots = []
    for p in sorted(found):
        if not any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots):
            roots.append(p)
    return roots


_MS_BIND, _MS_REC = 4096, 16384


def expose_paths(uid, paths):
    """In the worker's private mount namespace, make `paths` reachable for `uid`.

    A Python installed under a private home (/root is mode 700) cannot be read once the
    check drops to an unprivileged user. The closed ancestor is covered with an empty tmpfs
    and only the needed directories are bound back into it, which also hides everything
    else in that home (configuration files with API keys, SSH keys) from the check.
    """
    libc = _libc()
    groups = {}
    for path in paths:
        parts = path.strip("/").split("/")
        current = ""
        for part in parts[:-1]:
            current += "/" + part
            st = os.stat(current)
            if not st.st_mode & 0o001 and st.st_uid != uid:
                groups.setdefault(current, []).append(path)
                break
    for closed, inside in sorted(groups.items()):
        fds = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for p in inside]
        try:
            if libc.mount(b"tmpfs", closed.encode(), b"tmpfs", 0, b"mode=0755") != 0:
                raise OSError(ctypes.get_errno(), "mount tmpfs on " + closed)
            for p, fd in fds:
                os.makedirs(p, mode=0o755, exist_ok=True)
                source = ("/proc/self/fd/%d" % fd).encode()
                if libc.mount(source, p.encode(), None, _MS_BIND | _MS_REC, None) != 0:
                    raise OSError(ctypes.get_errno(), "bind %s" % p)
        finally:
            for _, fd in fds:
                os.close(fd)
    return sorted(groups)


def make_work_dir(setup, layers):
    """The worker's check directory, emptied after every check (see `empty_dir`)."""
    path = tempfile.mkdtemp(prefix="worker-", dir=setup["checks_dir"])
    if layers.get("drop_user") == "active":
        uid = setup["sandbox"]["uid"]
        os.chown(path, uid, uid)
    return path


def empty_dir(path):
    os.chmod(path, 0o700)
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            remove_check_dir(entry.path)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def remove_check_dir(path):
    def retry(func, target, _exc):
        # hostile code may leave read-only directories behind; make them writable and retry
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


class Capture:
    def __init__(self, cap):
        self.cap = cap
        self.kept = bytearray()
        self.total = 0

    def add(self, data):
        self.total += len(data)
        room = self.cap - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def text(self):
        return bytes(self.kept).decode("utf-8", "replace")


def _read(fd):
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def supervise(setup, check, layers, proto_fds):
    limits = setup["limits"]
    nonce = secrets.token_hex(16)
    prefix = (nonce + " ").encode()
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    check_dir = layers["work_dir"]
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        for fd in (res_r, out_r, err_r) + proto_fds:
            os.close(fd)
        child_main(setup, check, nonce, res_w, out_w, err_w, check_dir, layers)
        _exit(72)
    for fd in (res_w, out_w, err_w):
        os.close(fd)
    for fd in (res_r, out_r, err_r):
        os.set_blocking(fd, False)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    outs = {out_r: Capture(limits["max_output_bytes"]), err_r: Capture(limits["max_output_bytes"])}
    state = {"records": [], "buffer": bytearray(), "bytes": 0, "tampered": False, "phase": 0}
    n_phases = len(check["calls"]) + 1
    timeout = limits["timeout_seconds"]
    deadline = started + timeout

    def take_results(data):
        nonlocal deadline
        state["bytes"] += len(data)
        buf = state["buffer"]
        buf += data
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            line = bytes(buf[:nl])
            del buf[: nl + 1]
            if not line.startswith(prefix):
                state["tampered"] = True
                return
            try:
                record = _loads(line[len(prefix) :])
                kind = record["k"]
            except BaseException:
                state["tampered"] = True
                return
            state["records"].append(record)
            # every finished phase (load, then each call) gets a fresh timeout, at most n+1 of them
            if kind in ("loaded", "load_error", "call") and state["phase"] < n_phases:
                state["phase"] += 1
                deadline = time.monotonic() + timeout

    sel = selectors.DefaultSelector()
    for fd in (res_r, out_r, err_r):
        sel.register(fd, selectors.EVENT_READ)
    if pidfd is not None:
        sel.register(pidfd, selectors.EVENT_READ)
    reason = None
    status = None
    open_fds = {res_r, out_r, err_r}
    while reason is None and status is None:
        left = deadline - time.monotonic()
        if left <= 0:
            reason = "timeout"
            break
        wait = left if pidfd is not None else min(left, 0.005)
        for key, _ in sel.select(wait):
            fd = key.fd
            if fd == pidfd:
                continue
            data = _read(fd)
            if data is None:
                continue
            if not data:
                sel.unregister(fd)
                open_fds.discard(fd)
                continue
            if fd == res_r:
                take_results(data)
                if state["tampered"]:
                    reason = "tampered"
                elif state["bytes"] > limits["output_kill_bytes"]:
                    reason = "output_limit"
            else:
                outs[fd].add(data)
                if outs[fd].total > limits["output_kill_bytes"]:
                    reason = "output_limit"
        done_pid, st = os.waitpid(pid, os.WNOHANG)
        if done_pid == pid:
            status = st
    elapsed = time.monotonic() - started
    sel.close()
    # Whatever happened, nothing the check started may outlive it.
    if os.getpid() == 1:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    if status is None:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
    if os.getpid() == 1:
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
            except InterruptedError:
                continue
    if pidfd is not None:
        os.close(pidfd)
    # Writers are dead now (PID namespace) or detached; read what is buffered, boundedly.
    for fd in sorted(open_fds):
        budget = limits["output_kill_bytes"]
        while budget > 0 and not state["tampered"]:
            data = _read(fd)
            if not data:
                break
            budget -= len(data)
            if fd == res_r:
                take_results(data)
                if state["tampered"] and reason is None:
                    reason = "tampered"
            else:
                outs[fd].add(data)
    for fd in (res_r, out_r, err_r):
        os.close(fd)
    empty_dir(check_dir)
    return assemble(check, state, outs[out_r], outs[err_r], reason, status, elapsed, limits)


def assemble(check, state, out, err, reason, status, elapsed, limits):
    events = {}
    order = []
    load_error = None
    calls = []
    loaded = False
    done = False
    failure = None
    for r in state["records"]:
        kind = r.get("k")
        if kind == "enter":
            event = {
                "id": r["id"],
                "parent": r["parent"],
                "call": r["call"],
                "function": r["function"],
                "args": r["args"],
                "result": None,
                "error": None,
                "args_after": None,
                "finished": False,
            }
            events[r["id"]] = event
            order.append(event)
        elif kind == "exit" and r.get("id") in events:
            event = events[r["id"]]
            event["finished"] = True
            event["result"] = r.get("result")
            event["error"] = r.get("error")
            event["args_after"] = r.get("args_after")
        elif kind == "load_error":
            load_error = r["error"]
        elif kind == "loaded":
            loaded = True
        elif kind == "call":
            calls.append(
                {
                    "index": r["i"],
                    "value": r.get("value"),
                    "error": r.get("error"),
                    "expected_error": r.get("expected_error"),
                    "compare_error": r.get("compare_error"),
                    "passed": r.get("passed"),
                    "interrupted": False,
                    "trace": [],
                }
            )
        elif kind == "done":
            done = True
        elif kind in ("sandbox_error", "harness_error"):
            failure = r["error"]
    if loaded and not done and len(calls) < len(check["calls"]):
        calls.append(
            {
                "index": len(calls),
                "value": None,
                "error": None,
                "expected_error": None,
                "compare_error": None,
                "passed": False if check["calls"][len(calls)].get("expected") is not None else None,
                "interrupted": True,
                "trace": [],
            }
        )
    by_index = {c["index"]: c for c in calls}
    load_trace = []
    for event in order:
        owner = by_index.get(event.pop("call"))
        (owner["trace"] if owner is not None else load_trace).append(event)
    if reason == "timeout":
        verdict = {"kind": "timeout", "seconds": limits["timeout_seconds"]}
    elif reason == "output_limit":
        verdict = {"kind": "output_limit", "bytes": limits["output_kill_bytes"]}
    elif reason == "tampered":
        verdict = {"kind": "tampered"}
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            verdict = {"kind": "cpu_limit", "seconds": limits["cpu_seconds"]}
        else:
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = "signal %d" % sig
            verdict = {"kind": "crashed", "signal": sig, "name": name}
    elif failure is not None:
        verdict = {"kind": "sandbox_failed", "error": failure}
    elif done:
        verdict = {"kind": "completed"}
    else:
        verdict = {"kind": "exited_early", "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1}
    return {
        "load_error": load_error,
        "load_trace": load_trace,
        "calls": calls,
        "verdict": verdict,
        "stdout": out.text(),
        "stderr": err.text(),
        "stdout_bytes": out.total,
        "stderr_bytes": err.total,
        "elapsed_seconds": elapsed,
    }


def main():
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # stray prints from the prelude must not reach the protocol stream
    reader = os.fdopen(proto_in, "rb")

    def send(obj):
        data = (_dumps(obj) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(proto_out, view) :]

    line = reader.readline()
    if not line:
        return
    setup = _loads(line)["setup"]
    layers = probe_layers(setup)
    if layers["private_proc"] == "active":
        # A private tmpfs makes the per-check directory cheap and bounds what checks can store.
        if _libc().mount(b"tmpfs", setup["checks_dir"].encode(), b"tmpfs", 0, b"mode=0711,size=512m") != 0:
            layers["tmpfs_error"] = os.strerror(ctypes.get_errno())
    layers["work_dir"] = make_work_dir(setup, layers)
    if layers.get("landlock") == "active":
        try:
            layers["landlock_ruleset"] = landlock_ruleset(layers["landlock_abi"], layers["work_dir"])
        except OSError as exc:
            layers["landlock"] = "could not build the ruleset: %s" % exc
    prelude = types.ModuleType("__anpl_prelude__")
    try:
        exec(compile(setup["prelude"], "<prelude>", "exec", dont_inherit=True), prelude.__dict__)
    except BaseException as exc:
        missing = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
        send({"prelude_error": {"error": error_record(exc, 4000), "module": missing}})
        return
    gc.freeze()  # keep the collector from touching (and so copying) the worker's pages in every child
    send({"ready": {"layers": {k: v for k, v in layers.items() if k not in ("work_dir", "landlock_ruleset")}, "pid": os.getpid(), "python": sys.version.split()[0], "executable": sys.executable}})
    while True:
        line = reader.readline()
        if not line:
            return
        check = _loads(line)["check"]
        send({"outcome": supervise(setup, check, layers, (proto_in, proto_out))})


if __name__ == "__main__":
    main()
