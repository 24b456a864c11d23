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
        owner, _, attr = name.rpartition(".")
        if owner:
            # `Class.method`: a method hole, traced on its class under its own name.
            cls = ns.get(owner)
            raw = cls.__dict__.get(attr) if isinstance(cls, type) else None
            fn = getattr(raw, "__func__", raw)
            if callable(fn) and not getattr(fn, "__anpl_traced__", False):
                wrapped = tracer.wrap(attr, fn)
                setattr(cls, attr, type(raw)(wrapped) if isinstance(raw, (staticmethod, classmethod)) else wrapped)
            continue
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
                passed = values_equal(value, expected, bool(spec.get("json")))
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


