# ---------------------------------------------------------------- warming the worker
#
# Every check runs in a fresh fork of the worker, so whatever a check does for the first
# time it does again in every child: Python specialising the harness's bytecode, the first
# signature inspection, traceback formatting, numpy's first conversions. Each of those writes
# to pages shared with the worker and costs a copy-on-write fault per page, per check. Running
# a few checks of a fixed program of ours in the worker itself, before `gc.freeze()`, does that
# work once and every child inherits it. The program is ours, not the user's: it defines two
# functions in a throwaway module and changes no state a check can see.

_WARM_PROGRAM = '''
def _anpl_warm(xs, s, n, grid=None):
    """Sort, measure and shape a few values."""
    ys = sorted(xs) + [n * 2, len(s)]
    if grid is not None:
        return grid[::-1].T
    return {"k": ys, "s": s.upper(), "t": (n, 1.5, None, True)}


def main(xs, s, n, grid=None):
    return _anpl_warm(xs, s, n, grid)
'''

_WARM_CALLS = [
    {"call": "main([3, 1, 2], 'ab', 4)", "expected": "{'k': [1, 2, 3, 8, 2], 's': 'AB', 't': (4, 1.5, None, True)}"},
    {"call": "main([1], 'x', 0)", "expected": "{'k': [1]}"},
    {"call": "main(None, 'a', 1)", "expected": "None"},
]
_WARM_NUMPY_CALLS = [
    {"call": "main([], '', 0, np.arange(6).reshape(2, 3))", "expected": "np.array([[3, 0], [4, 1], [5, 2]])"},
    {"call": "main([], '', 0, np.arange(4).reshape(2, 2))", "expected": "np.array([[1, 2], [3, 4]])"},
]
# Python 3.11+ specialises a function's bytecode after it has run a few times.
_WARM_ROUNDS = 12


def warm_up(limits):
    calls = _WARM_CALLS + (_WARM_NUMPY_CALLS if _numpy() is not None else [])
    check = {"program": _WARM_PROGRAM, "traced": ["_anpl_warm"], "calls": calls, "stop_at_first_failure": False}
    if _LINUX:
        for name in ("prctl", "capset", "syscall"):
            try:
                getattr(_libc(), name)  # ctypes resolves a C function on first use
            except AttributeError:
                pass
    sink = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
    try:
        emit = Emitter(sink, secrets.token_hex(16))
        for _ in range(_WARM_ROUNDS):
            run_check(check, emit, limits["max_value_bytes"], limits["max_trace_events"])
            emit({"k": "done"})
    except BaseException:
        pass  # warming is an optimisation; a check will still work cold
    finally:
        os.close(sink)
        sys.modules.pop("__anpl_program__", None)
