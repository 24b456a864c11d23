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
        np = _numpy()
        if np is not None and type(value) is np.ndarray:
            # numpy's own printing would be thrown away for the source form: skip it
            text = _to_source(value, np)
        else:
            text = repr(value)
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


def values_equal(actual, expected, from_json=False):
    """anpl's equality (15_equality.py, docs/values.md)."""
    return _same(actual, expected, from_json)
