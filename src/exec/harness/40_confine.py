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


