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


# How long the worker leaves a running check undisturbed before it reads what it wrote.
_QUIET_SECONDS = 0.05
_RESULT_PIPE_BYTES = 1 << 20
_HUNG_UP = select.POLLHUP | select.POLLERR


def _abandon(pid):
    """anpl has gone (killed, or its terminal closed) without stopping its pool: end the
    check and this worker now, not when the check would have finished."""
    if os.getpid() != 1:  # as PID 1, exiting takes the whole namespace with it
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    _exit(0)


def supervise(setup, check, layers, proto_fds):
    limits = setup["limits"]
    nonce = secrets.token_hex(16)
    target = 300 + secrets.randbelow(700)  # where the child puts its result pipe
    prefix = (nonce + " ").encode()
    res_r, res_w = os.pipe()
    try:
        # room for a traced check's records, so that it seldom waits out the quiet window
        fcntl.fcntl(res_w, fcntl.F_SETPIPE_SZ, _RESULT_PIPE_BYTES)
    except (AttributeError, OSError):
        pass  # not Linux, or over the user's pipe allowance: the default size still works
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    check_dir = layers["work_dir"]
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        for fd in (res_r, out_r, err_r) + proto_fds:
            os.close(fd)
        child_main(setup, check, nonce, target, res_w, out_w, err_w, check_dir, layers)
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

    reason = None
    status = None
    open_fds = {res_r, out_r, err_r}
    # poll(2) directly: the selectors module's bookkeeping cost more than the check's I/O.
    # anpl writes nothing while a check runs; its end of the protocol closing (no events
    # asked for: poll reports a hang-up anyway) means it has gone.
    caller = proto_fds[0] if proto_fds else None
    poller = select.poll()
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    if caller is not None:
        poller.register(caller, 0)
    if pidfd is not None:
        # Leave the check alone at first: most checks are over within this window, and a
        # worker that wakes for each record while its child runs writes to pages the child
        # still shares, so the kernel copies each of them; once the child has gone, the same
        # writes only take back pages nobody else maps. What the check writes meanwhile
        # waits in the pipes; one that fills a pipe waits at most this long before the loop
        # below drains it.
        ready = poller.poll(max(1, math.ceil(min(_QUIET_SECONDS, timeout) * 1000)))
        if any(fd == caller and ev & _HUNG_UP for fd, ev in ready):
            _abandon(pid)
        if ready:
            done_pid, st = os.waitpid(pid, os.WNOHANG)
            if done_pid == pid:
                status = st  # over already: what it wrote is read below, after the kill
    if status is None:
        for fd in open_fds:
            poller.register(fd, select.POLLIN)
    while reason is None and status is None:
        left = deadline - time.monotonic()
        if left <= 0:
            reason = "timeout"
            break
        wait = left if pidfd is not None else min(left, 0.005)
        for fd, ev in poller.poll(max(1, math.ceil(wait * 1000))):
            if fd == pidfd:
                continue
            if fd == caller:
                if ev & _HUNG_UP:
                    _abandon(pid)
                poller.unregister(fd)  # anything else from it is not ours to read here
                continue
            data = _read(fd)
            if data is None:
                continue
            if not data:
                poller.unregister(fd)
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


