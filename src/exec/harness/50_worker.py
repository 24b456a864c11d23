# ---------------------------------------------------------------- the worker


# What a check may read besides the workspace: the system's programs and libraries, and the
# few files in /etc that Python, the C library and common packages read.
_SYSTEM_DIRS = ["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin"]
_SYSTEM_ETC = {
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "ssl", "ca-certificates", "pki",
    "crypto-policies", "passwd", "group", "nsswitch.conf", "hosts", "host.conf", "resolv.conf", "gai.conf",
    "mime.types", "os-release", "debian_version", "fonts", "alternatives", "locale.alias", "locale.conf",
    "default", "matplotlibrc",
}
_DEVICES = [("/dev/null", "dev"), ("/dev/zero", "r"), ("/dev/full", "r"), ("/dev/random", "r"), ("/dev/urandom", "r")]
# Where users' files live: covered by the mount fallback unless a rule binds a path back.
_COVERS = ["/home", "/root", "/tmp", "/var/tmp", "/mnt", "/media", "/srv", "/run/user"]
_WHY_SYSTEM = "system programs, libraries and the few /etc files Python reads"
_WHY_PYTHON = "the Python installation and its sys.path"
_WHY_SCRATCH = "the check's scratch directory (its HOME and TMPDIR, emptied after every check)"


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
    return layers


def access_plan(setup, layers):
    """Every (path, mode, why, user) a check may use: mode "r" reads beneath path, "rdir"
    lists only that folder, "rw" reads and writes beneath it, "dev" a device file. `user`
    marks the workspace's own rules (the project, grants), which the mount fallback binds
    read-only wherever they are."""
    ws = setup.get("workspace") or {}
    rules = []
    seen = set()

    def add(path, mode, why, user=False):
        real = os.path.realpath(path)
        if (real, mode) not in seen and os.path.exists(real):
            seen.add((real, mode))
            rules.append((real, mode, why, user))

    for path in _SYSTEM_DIRS:
        add(path, "r", _WHY_SYSTEM)
    try:
        for name in sorted(os.listdir("/etc")):
            if name in _SYSTEM_ETC or name.startswith("python"):
                add("/etc/" + name, "r", _WHY_SYSTEM)
    except OSError:
        pass
    for path, mode in _DEVICES:
        add(path, mode, "devices programs open (null, zero, random)")
    if layers.get("private_proc") == "active":
        add("/proc", "r", "this check's own processes (a private /proc)")
    add("/sys/devices/system/cpu", "r", "the CPU count")
    for path in python_paths([]):
        add(path, "r", _WHY_PYTHON)
    withhold = {os.path.realpath(p) for p in ws.get("withhold", [])}
    for path, why in ws.get("read", []):
        root = os.path.realpath(path)
        _grant(add, root, why, withhold)
    for path, why in ws.get("write", []):
        add(path, "rw", why, True)
    # /lib is /usr/lib on merged systems: keep one rule for a path another rule covers
    inside = lambda p, o: p != o and p.startswith(o.rstrip("/") + "/")
    return [r for r in rules if r[3] or not any(o[1] == r[1] == "r" and inside(r[0], o[0]) for o in rules)]


def _grant(add, path, why, withhold):
    """Read access beneath `path` except to the withheld entries in it: a folder holding one
    is granted its listing and each of its other entries. Symbolic links in such a folder
    grant nothing, so a link cannot lead out of the project."""
    inside = [w for w in withhold if w == path or w.startswith(path.rstrip("/") + "/")]
    if not inside:
        add(path, "r", why, True)
        return
    if path in withhold:
        return
    add(path, "rdir", why, True)
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        if not entry.is_symlink():
            _grant(add, entry.path, why, withhold)


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


def _readable(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            os.close(os.open(path, os.O_RDONLY | os.O_CLOEXEC))
        return True
    except OSError:
        return False


def probe_user(uid, keep_caps, paths):
    """Can checks take `uid`, and can they then still read `paths` (Python, the workspace)?"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            become_check_user(uid, True, keep_caps)
        except BaseException:
            _exit(1)
        blocked = [p for p in paths if not _readable(p)]
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
        return "uid %d cannot read %s, which checks need; checks run as root instead" % (uid, first)
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


def confine_worker(setup, layers):
    """Apply the per-worker layers in order: the read rules (Landlock, else the mount
    fallback), the private tmpfs for checks, the uid checks run as, the working directory
    and sys.path. Returns the access plan."""
    sandbox = setup["sandbox"]
    ws = setup.get("workspace") or {}
    rules = access_plan(setup, layers)
    landlock = layers.get("landlock") == "active"
    if landlock:
        layers["reads"] = "active"
    elif layers["private_proc"] != "active":
        layers["reads"] = "no Landlock (%s) and no mount namespace" % layers.get("landlock")
    else:
        try:
            covers = _COVERS + ([ws["home"]] if ws.get("home") else [])
            scratch = [(setup["checks_dir"], "rw", _WHY_SCRATCH, False)]
            layers["covered"] = mount_view(rules + scratch, covers, ws.get("withhold", []))
            layers["reads"] = "mount"
        except OSError as exc:
            layers["reads"] = "the mount fallback failed: %s" % exc
    if layers["private_proc"] == "active":
        # A private tmpfs makes the per-check directory cheap and bounds what checks can store.
        if _libc().mount(b"tmpfs", setup["checks_dir"].encode(), b"tmpfs", 0, b"mode=0711,size=512m") != 0:
            layers["tmpfs_error"] = os.strerror(ctypes.get_errno())
    if not sandbox["drop_user"]:
        layers["drop_user"] = "disabled in the configuration"
    elif not sandbox.get("real_root") or os.geteuid() != 0:
        layers["drop_user"] = "not root: checks run as the invoking user"
    else:
        caps = 0
        if landlock:
            caps = 1 << _CAP_DAC_READ_SEARCH | (1 << _CAP_DAC_OVERRIDE if ws.get("write") else 0)
        layers["keep_caps"] = caps
        needed = [r[0] for r in rules if r[1] in ("r", "rdir") and (r[3] or r[2] == _WHY_PYTHON)]
        if ws.get("cwd"):
            needed.append(ws["cwd"])
        layers["drop_user"] = probe_user(sandbox["uid"], caps, needed)
        if layers["drop_user"] != "active":
            layers["keep_caps"] = 0
    work_dir = make_work_dir(setup, layers)
    layers["work_dir"] = work_dir
    rules.append((work_dir, "rw", _WHY_SCRATCH, False))
    if landlock:
        try:
            layers["landlock_ruleset"] = landlock_ruleset(layers["landlock_abi"], [r[:3] for r in rules])
        except OSError as exc:
            layers["landlock"] = "could not build the ruleset: %s" % exc
            layers["reads"] = layers["landlock"]
            layers["keep_caps"] = 0
    if ws.get("cwd"):
        os.chdir(ws["cwd"])
        layers["cwd"] = ws["cwd"]
    # The project comes first on sys.path, so its modules win over anything of the same name;
    # nothing a check can write (its scratch directory) is ever on the path.
    sys.path[:0] = [p for p in ws.get("sys_path", []) if p not in sys.path]
    return rules


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
