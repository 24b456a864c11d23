"""The tracer's fast argument binder agrees with inspect.signature(fn).bind on every
parameter kind and call shape, and leaves decorated functions and builtins to inspect."""
import importlib.util, inspect, itertools, sys
spec = importlib.util.spec_from_file_location("h", sys.argv[1]); h = importlib.util.module_from_spec(spec); spec.loader.exec_module(h)
src = """
def f0(): pass
def f1(a): pass
def f2(a, b=1): pass
def f3(a, /, b, *, c, d=2): pass
def f4(*args): pass
def f5(a, *args, k=1, **kw): pass
def f6(a, /, **kw): pass
def f7(a, b, /, c=3, *rest, d, e=5, **extra): pass
def f8(**kw): pass
def f9(a=1, *, b): pass
"""
ns = {}; exec(src, ns)
fns = [ns["f%d" % i] for i in range(10)]
argsets = [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4, 5)]
kwsets = [{}, {"a": 9}, {"b": 8}, {"c": 7}, {"d": 6}, {"k": 5}, {"z": 4}, {"a": 1, "b": 2}, {"c": 1, "d": 2, "e": 3}, {"rest": 1}, {"kw": 2}, {"args": 3}]
n = 0
for fn, args, kw in itertools.product(fns, argsets, kwsets):
    try:
        want = list(inspect.signature(fn).bind(*args, **kw).arguments.items())
    except TypeError:
        want = None
    got = h._plain_parameters(fn).bind(args, kw)
    assert got == want, (fn.__name__, args, kw, got, want)
    n += 1
import functools
def deco(g):
    @functools.wraps(g)
    def inner(*a, **k): return g(*a, **k)
    return inner
assert h._plain_parameters(deco(ns["f2"])) is None
assert h._plain_parameters(len) is None
print("ok", n)
