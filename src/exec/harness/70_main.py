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
