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


