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
    rules = confine_worker(setup, layers)
    prelude = types.ModuleType("__anpl_prelude__")
    try:
        exec(compile(setup["prelude"], "<prelude>", "exec", dont_inherit=True), prelude.__dict__)
    except BaseException as exc:
        missing = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
        send({"prelude_error": {"error": error_record(exc, 4000), "module": missing}})
        return
    warm_up(setup["limits"])
    prepare_children(layers)
    gc.collect()
    gc.freeze()  # keep the collector from touching (and so copying) the worker's pages in every child
    hidden = ("work_dir", "landlock_ruleset", "cwd", "keep_caps", "covered")
    access = [{"path": p, "mode": m, "why": w} for p, m, w, _user in rules]
    report = {k: v for k, v in layers.items() if k not in hidden}
    send({"ready": {"layers": report, "access": access, "covered": layers.get("covered", []), "pid": os.getpid(), "python": sys.version.split()[0], "executable": sys.executable}})
    while True:
        line = reader.readline()
        if not line:
            return
        check = _loads(line)["check"]
        send({"outcome": supervise(setup, check, layers, (proto_in, proto_out))})


if __name__ == "__main__":
    main()
