# ---------------------------------------------------------------- equality
#
# anpl's one equality rule, written down with its cases in docs/values.md. The worker's
# checks and the pytest file that `anpl export` writes both run this text, so an exported
# test passes exactly when anpl's check did. Standard library only: numpy is looked up in
# sys.modules, where it is whenever a value is a numpy value.

import math
import sys


def _same(actual, expected, from_json=False):
    """Whether `actual` is the value `expected` stands for.

    With `from_json`, `expected` was read from a JSON file, which has one kind of sequence and
    only string keys: lists, tuples and arrays then match by their elements, and dict keys
    by the text JSON would give them. A number never equals a list, a bool never equals a
    number, arrays never broadcast, and floats agree to about nine significant digits."""
    np = sys.modules.get("numpy")
    if np is not None:
        if _same_is_single(actual, np) or _same_is_single(expected, np):
            try:
                return _same_numbers(float(actual), float(expected), 1e-6)
            except (TypeError, ValueError, OverflowError):
                return False
        actual = _same_scalar(actual, np)
        expected = _same_scalar(expected, np)
        if isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray):
            return _same_arrays(actual, expected, np)
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is bool and type(expected) is bool and actual == expected
    if _same_is_number(actual) and _same_is_number(expected):
        return _same_numbers(actual, expected)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if not from_json and isinstance(actual, list) != isinstance(expected, list):
            return False
        return len(actual) == len(expected) and all(_same(a, e, from_json) for a, e in zip(actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        if from_json:
            actual = _same_json_keys(actual)
            expected = _same_json_keys(expected)
            if actual is None or expected is None:
                return False
        if len(actual) != len(expected) or actual.keys() != expected.keys():
            return False
        return all(_same(actual[k], expected[k], from_json) for k in expected)
    sets = (set, frozenset)
    seqs = (list, tuple)
    if from_json and (isinstance(actual, sets) and isinstance(expected, seqs) or isinstance(actual, seqs) and isinstance(expected, sets)):
        # JSON writes a set as a list: the same elements, each once, in any order.
        return _same_set_list(actual, expected)
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        return False
    result = expected == actual
    if isinstance(result, bool):
        return result
    return np is not None and isinstance(result, np.bool_) and bool(result)


def _same_scalar(value, np):
    """A numpy scalar or 0-d array as the Python value it holds."""
    if isinstance(value, np.generic) or isinstance(value, np.ndarray) and value.ndim == 0:
        try:
            return value.item()
        except Exception:
            return value
    return value


def _same_is_number(value):
    return isinstance(value, (int, float, complex)) or type(value).__name__ in ("Fraction", "Decimal")


def _same_is_single(value, np):
    """A numpy float narrower than 64 bits, whose precision is about seven digits."""
    return isinstance(value, np.floating) and value.dtype.itemsize < 8


def _same_numbers(actual, expected, rel_tol=1e-9):
    if isinstance(actual, complex) or isinstance(expected, complex):
        return actual == expected
    if isinstance(actual, float) or isinstance(expected, float):
        try:
            a = float(actual)
            e = float(expected)
        except (OverflowError, ValueError):
            return False
        if math.isnan(a) or math.isnan(e):
            return math.isnan(a) and math.isnan(e)
        if math.isinf(a) or math.isinf(e):
            return a == e
        return math.isclose(a, e, rel_tol=rel_tol, abs_tol=1e-12)
    return bool(actual == expected)


def _same_arrays(actual, expected, np):
    """Arrays, and an array against a list or tuple: the same shape and the same elements.
    Anything else (a number, a dict, None) never equals an array."""
    a = _same_as_array(actual, np)
    e = _same_as_array(expected, np)
    if a is None or e is None or a.shape != e.shape:
        return False
    kinds = a.dtype.kind + e.dtype.kind
    if all(k in "iu" for k in kinds) or kinds == "bb":
        return bool(np.array_equal(a, e))
    if "b" in kinds and all(k in "biuf" for k in kinds):
        return a.size == 0
    if all(k in "iuf" for k in kinds):
        narrow = any(x.dtype.kind == "f" and x.dtype.itemsize < 8 for x in (a, e))
        return _same_float_arrays(a, e, 1e-6 if narrow else 1e-9, np)
    # Floats, strings and objects: element by element, under the rules above.
    return _same(a.tolist(), e.tolist(), True)


def _same_float_arrays(a, e, rel_tol, np):
    """Element by element as `_same_numbers` does it, without a Python call per element."""
    with np.errstate(invalid="ignore", over="ignore"):
        a = a.astype(np.float64)
        e = e.astype(np.float64)
        both_nan = np.isnan(a) & np.isnan(e)
        scale = np.maximum(np.abs(a), np.abs(e)) * rel_tol
        close = (np.abs(a - e) <= np.maximum(scale, 1e-12)) & np.isfinite(a) & np.isfinite(e)
        return bool(np.all(both_nan | (a == e) | close))


def _same_as_array(value, np):
    if isinstance(value, np.ndarray):
        return value
    if not isinstance(value, (list, tuple)):
        return None
    try:
        return np.asarray(value)
    except Exception:
        pass
    try:  # ragged nesting: an array of objects, as numpy itself would need to hold it
        return np.array(value, dtype=object)
    except Exception:
        return None


def _same_json_keys(mapping):
    """Keys as JSON writes them (1 -> "1", True -> "true", None -> "null"); None when
    two keys would collide."""
    out = {}
    for key, value in mapping.items():
        if isinstance(key, bool):
            text = "true" if key else "false"
        elif key is None:
            text = "null"
        elif isinstance(key, (int, float, str)):
            text = key if isinstance(key, str) else repr(key)
        else:
            return None
        if text in out:
            return None
        out[text] = value
    return out


def _same_set_list(actual, expected):
    try:
        a = actual if isinstance(actual, (set, frozenset)) else list(actual)
        e = expected if isinstance(expected, (set, frozenset)) else list(expected)
        if isinstance(a, list) and len(set(a)) != len(a) or isinstance(e, list) and len(set(e)) != len(e):
            return False
        return set(a) == set(e)
    except Exception:
        return False
