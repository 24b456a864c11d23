# ---------------------------------------------------------------- confinement
#
# What a check may read and write is one list of rules, (path, mode, why), built once per
# worker by `access_plan`. Landlock enforces it in every check child (a ruleset built once,
# so a check pays two syscalls). Without Landlock, the worker's private mount namespace
# gives the fallback: the places that hold users' files (homes, temp folders, mounts) are
# covered with empty tmpfs and only the rules' paths are bound back, read-only unless the
# rule is writable.

import stat as _stat

_LINUX = sys.platform.startswith("linux")

# Landlock constants (include/uapi/linux/landlock.h).
_LL_CREATE_RULESET, _LL_ADD_RULE, _LL_RESTRICT_SELF = 444, 445, 446
_LL_EXECUTE = 1 << 0
_LL_WRITE_FILE = 1 << 1
_LL_READ_FILE = 1 << 2
_LL_READ_DIR = 1 << 3
_LL_READ = _LL_EXECUTE | _LL_READ_FILE | _LL_READ_DIR
_LL_WRITE_RIGHTS_V1 = (
    (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)
)
_LL_REFER = 1 << 13
_LL_TRUNCATE = 1 << 14
_LL_FILE_RIGHTS = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_TRUNCATE
_LL_NET_ALL = (1 << 0) | (1 << 1)
_LL_SCOPE_ABSTRACT_UNIX = 1 << 0
_PR_SET_PDEATHSIG = 1
_PR_SET_KEEPCAPS = 8
_PR_CAPBSET_DROP = 24
_PR_SET_NO_NEW_PRIVS = 38
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


_LIBC = []


def _libc():
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def _prctl(option, arg):
    if _libc().prctl(option, ctypes.c_ulong(arg), 0, 0, 0) < 0:
        raise OSError(ctypes.get_errno(), "prctl(%d)" % option)


def landlock_abi():
    """The kernel's Landlock ABI version, or a reason string when there is none."""
    if not _LINUX:
        return "Landlock is a Linux feature"
    try:
        libc = _libc()
        version = libc.syscall(_LL_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        if version < 0:
            return os.strerror(ctypes.get_errno())
        return int(version)
    except BaseException as exc:
        return "cannot call the kernel: %s" % exc


def landlock_ruleset(abi, rules):
    """A ruleset fd allowing reads only beneath the "r" rules' paths, writes only beneath the
    "rw" ones (and on "dev" files), and, from ABI 4, no TCP at all. Built once per worker;
    each check child only enforces it."""
    libc = _libc()
    handled = _LL_READ | _LL_WRITE_RIGHTS_V1
    if abi >= 2:
        handled |= _LL_REFER
    if abi >= 3:
        handled |= _LL_TRUNCATE
    attr = _RulesetAttr(handled, _LL_NET_ALL if abi >= 4 else 0, _LL_SCOPE_ABSTRACT_UNIX if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(_LL_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    modes = {"r": _LL_READ, "rdir": _LL_READ_DIR, "rw": handled, "dev": _LL_READ_FILE | _LL_WRITE_FILE | _LL_TRUNCATE}
    try:
        for path, mode, _why in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # gone since the plan was made: nothing to allow
            try:
                rights = modes[mode] & handled
                if not _stat.S_ISDIR(os.fstat(fd).st_mode):
                    rights &= _LL_FILE_RIGHTS
                if rights and libc.syscall(_LL_ADD_RULE, ruleset, 1, ctypes.byref(_PathBeneath(rights, fd)), ctypes.c_uint32(0)) < 0:
                    raise OSError(ctypes.get_errno(), "landlock_add_rule " + path)
            finally:
                os.close(fd)
    except BaseException:
        os.close(ruleset)
        raise
    return ruleset


def landlock_enforce(ruleset):
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)
    if _libc().syscall(_LL_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) < 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self")


_CAPSET_ARGS = {}


def _capset_args(mask):
    """capset's arguments for `mask`, built once (the worker builds them for its children)."""
    if mask not in _CAPSET_ARGS:
        header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
        data = (_CapData * 2)(_CapData(mask, mask, 0), _CapData(0, 0, 0))
        _CAPSET_ARGS[mask] = (ctypes.byref(header), data, header)
    return _CAPSET_ARGS[mask]


def _capset(mask):
    """Leave exactly the capabilities in `mask` (permitted and effective), none inheritable."""
    header, data, _keep = _capset_args(mask)
    if _libc().capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def become_check_user(uid, drop, keep_caps):
    """The credentials a check runs with. As root: uid `uid`, keeping only the file
    permission capabilities in `keep_caps` (CAP_DAC_READ_SEARCH, and CAP_DAC_OVERRIDE when
    there are writable grants), and only when Landlock decides what is readable and
    writable, so a project in a private folder stays usable. As root in a user namespace,
    or root without the uid drop: no capabilities at all, so a check cannot unmount the
    fallback's covers or signal its worker."""
    if drop:
        if keep_caps:
            _prctl(_PR_SET_KEEPCAPS, 1)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        if keep_caps:
            _capset(keep_caps)
    elif _LINUX and os.geteuid() == 0:
        for cap in range(64):
            if _libc().prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) < 0:
                break
        _capset(0)


_MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 32, 4096, 16384
# statvfs flags that a remount must repeat (the kernel refuses to clear locked ones).
_ST_KEEP = 2 | 4 | 8 | 1024 | 2048 | 4096


def _mount(source, target, fstype, flags, data):
    if _libc().mount(source, target.encode(), fstype, ctypes.c_ulong(flags), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "mount %s: %s" % (target, os.strerror(err)))


def mount_view(rules, covers, withhold):
    """Cover each of `covers` with an empty tmpfs, bind back the rules' paths beneath them
    and the workspace's own paths wherever they are (read-only unless writable), and hide
    the withheld files. Used when there is no Landlock. Returns the covered folders."""
    covers = [c for c in sorted(set(covers)) if os.path.isdir(c) and not os.path.islink(c)]
    covers = [c for c in covers if not any(c != o and c.startswith(o.rstrip("/") + "/") for o in covers)]
    under = lambda p: any(p == c or p.startswith(c.rstrip("/") + "/") for c in covers)
    binds = []
    for path, mode, _why, user in sorted(rules, key=lambda r: r[0]):
        if mode in ("r", "rdir", "rw") and (user or under(path)):
            try:
                binds.append((path, mode, os.open(path, os.O_PATH | os.O_CLOEXEC)))
            except OSError:
                pass
    try:
        for cover in covers:
            _mount(b"tmpfs", cover, b"tmpfs", 0, b"mode=0755")
        for path, mode, fd in binds:
            if not os.path.lexists(path):
                if _stat.S_ISDIR(os.fstat(fd).st_mode):
                    os.makedirs(path, mode=0o755, exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
            _mount(("/proc/self/fd/%d" % fd).encode(), path, None, _MS_BIND | _MS_REC, None)
            if mode != "rw":
                _remount_read_only(path)
    finally:
        for _p, _m, fd in binds:
            os.close(fd)
    for path in withhold:
        if os.path.isdir(path) and not os.path.islink(path):
            _mount(b"tmpfs", path, b"tmpfs", 0, b"mode=0000,size=4k")
            _remount_read_only(path)
        elif os.path.isfile(path) and not os.path.islink(path):
            _mount(b"/dev/null", path, None, _MS_BIND, None)
    return covers


def _remount_read_only(path):
    flags = os.statvfs(path).f_flag & _ST_KEEP
    _mount(None, path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | flags, None)


# What a check starts with: the default disposition of every signal the worker or Python
# changes, and Ctrl-C as KeyboardInterrupt.
_CHECK_SIGNALS = [
    (signal.SIGTERM, signal.SIG_DFL),
    (signal.SIGCHLD, signal.SIG_DFL),
    (signal.SIGPIPE, signal.SIG_DFL),
    (signal.SIGALRM, signal.SIG_DFL),
    (signal.SIGINT, signal.default_int_handler),
]
# Prepared once in the worker by `prepare_children` (before its first check) and inherited
# by every check child.
_CHILD = {}


def prepare_children(layers):
    """Work every check child would repeat, done once in the worker: the text streams over
    descriptors 0-2 (the worker never uses these objects; in a child the descriptors are the
    check's), the signal dispositions a check starts with, the scratch directory as HOME and
    TMPDIR (the worker reads neither from here on), the capability sets a child drops to,
    and the read and write rules themselves. Everything here is inherited across fork; what
    a child still does for itself (its descriptors, limits and uid) is in `child_main`."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    _CHILD["streams"] = (
        open(0, "r", closefd=False),
        open(1, "w", buffering=1, closefd=False, errors="backslashreplace"),
        open(2, "w", buffering=1, closefd=False, errors="backslashreplace"),
    )
    # The worker itself needs none of these: with SIGPIPE at its default, a worker whose
    # caller has gone ends instead of seeing EPIPE, which is as good.
    for sig, want in _CHECK_SIGNALS:
        if signal.getsignal(sig) is not want:
            signal.signal(sig, want)
    os.environ["HOME"] = os.environ["TMPDIR"] = layers["work_dir"]
    tempfile.tempdir = None
    # A PID namespace's init takes every process in it down when it ends; elsewhere each
    # child asks the kernel to kill it when the worker dies.
    _CHILD["deathsig"] = _LINUX and os.getpid() != 1
    if _LINUX:
        _capset_args(layers.get("keep_caps", 0))
        _capset_args(0)
        _CHILD["confine_error"] = _confine_self(layers)


def _confine_self(layers):
    """Enforce the read and write rules on the worker, so that every check child, forked
    from it, inherits them (a Landlock domain and no_new_privs survive fork and can never
    be lifted). The worker has nothing left to read: its descriptors are open and the only
    path it still touches is the scratch directory, which the rules let it empty. Returns
    why it failed, for every check to report, or None."""
    ruleset = layers.pop("landlock_ruleset", None)
    try:
        if layers.get("landlock") == "active":
            landlock_enforce(ruleset)
        else:
            _prctl(_PR_SET_NO_NEW_PRIVS, 1)
        return None
    except OSError as exc:
        return exc
    finally:
        if ruleset is not None:
            os.close(ruleset)


def child_main(setup, check, nonce, target, result_fd, out_fd, err_fd, check_dir, layers):
    """Runs in the forked child: confine, then run the check. Never returns."""
    report_fd = result_fd
    try:
        os.setsid()  # own process group, so the fallback kill (no PID namespace) reaches helpers
        if _CHILD["deathsig"]:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the worker
        if _CHILD.get("confine_error") is not None:
            raise _CHILD["confine_error"]
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        # The result pipe moves to a random high descriptor (chosen by the worker) and
        # everything else is closed, so code that writes blindly to descriptors cannot reach
        # it; lines also need the nonce.
        os.dup2(result_fd, target, inheritable=False)
        report_fd = target
        os.closerange(3, target)
        os.closerange(target + 1, 65536)
        sys.stdin, sys.stdout, sys.stderr = _CHILD["streams"]
        os.chdir(layers.get("cwd") or check_dir)
        limits = setup["limits"]
        cpu = limits["cpu_seconds"]
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        become_check_user(setup["sandbox"]["uid"], layers.get("drop_user") == "active", layers.get("keep_caps", 0))
    except BaseException as exc:
        try:
            Emitter(report_fd, nonce)({"k": "sandbox_error", "error": error_record(exc, 2000)})
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
