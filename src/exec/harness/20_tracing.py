# ---------------------------------------------------------------- tracing


class Tracer:
    """Wraps hole functions and streams one enter and one exit record per call."""

    def __init__(self, emit, value_limit, max_events):
        self.emit = emit
        self.value_limit = value_limit
        self.max_events = max_events
        self.stack = []
        self.next_id = 0
        self.call_index = None
        self.dropped = 0

    def wrap(self, name, fn):
        tracer = self
        signature = _plain_parameters(fn)
        if signature is None:
            try:
                signature = inspect.signature(fn)
            except (TypeError, ValueError):
                signature = None

        def traced(*args, **kwargs):
            event_id = tracer.next_id
            tracer.next_id += 1
            record = event_id < tracer.max_events
            arg_pairs = None
            entry = None
            if record:
                arg_pairs = tracer.arguments(signature, args, kwargs)
                entry = [tracer.source(v) for _, v in arg_pairs]
                tracer.emit(
                    {
                        "k": "enter",
                        "id": event_id,
                        "parent": tracer.stack[-1] if tracer.stack else None,
                        "call": tracer.call_index,
                        "function": name,
                        "args": [[n, src] for (n, _), src in zip(arg_pairs, entry)],
                    }
                )
            else:
                tracer.dropped += 1
            tracer.stack.append(event_id)
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                tracer.stack.pop()
                if record:
                    tracer.emit({"k": "exit", "id": event_id, "error": error_record(exc, tracer.value_limit)})
                raise
            tracer.stack.pop()
            if record:
                # Entry values were serialised before the call, so later mutation cannot rewrite
                # them; serialising again shows what the hole changed in place.
                after = [tracer.source(v) for _, v in arg_pairs]
                tracer.emit(
                    {
                        "k": "exit",
                        "id": event_id,
                        "result": tracer.source(result),
                        "args_after": after if after != entry else None,
                    }
                )
            return result

        functools.update_wrapper(traced, fn)
        traced.__anpl_traced__ = True
        return traced

    def arguments(self, signature, args, kwargs):
        if isinstance(signature, _PlainParameters):
            pairs = signature.bind(args, kwargs)
            if pairs is not None:
                return pairs
        elif signature is not None:
            try:
                bound = signature.bind(*args, **kwargs)
                pairs = []
                for key, value in bound.arguments.items():
                    pairs.append((key, value))
                return pairs
            except TypeError:
                pass
        pairs = [("arg%d" % (i + 1), v) for i, v in enumerate(args)]
        pairs.extend(kwargs.items())
        return pairs

    def source(self, value):
        return value_source(value, self.value_limit)




_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08


class _PlainParameters:
    """The parameters of a plain Python function, read from its code object: binds a call's
    arguments to names as `inspect.signature(fn).bind(...).arguments` does, for a fraction of
    the cost (inspect's machinery is built anew in every check's process)."""

    def __init__(self, code, defaults, kwdefaults):
        n_pos = code.co_argcount
        n_kw = code.co_kwonlyargcount
        names = code.co_varnames
        self.posonly = code.co_posonlyargcount
        self.positional = names[:n_pos]
        self.kwonly = names[n_pos : n_pos + n_kw]
        at = n_pos + n_kw
        self.varargs = None
        if code.co_flags & _CO_VARARGS:
            self.varargs = names[at]
            at += 1
        self.varkw = names[at] if code.co_flags & _CO_VARKEYWORDS else None
        self.required_pos = n_pos - len(defaults or ())
        self.kw_defaults = set(kwdefaults or ())

    def bind(self, args, kwargs):
        """(name, value) pairs in parameter order, or None where inspect would refuse the
        call (the call then fails the same way when it runs)."""
        positional = self.positional
        n = len(args)
        if n > len(positional) and self.varargs is None:
            return None
        bound = dict(zip(positional, args))
        extra = {}
        posonly = positional[: self.posonly]
        for key, value in kwargs.items():
            if key in posonly or (key not in positional and key not in self.kwonly):
                # not a keyword parameter: it belongs to **kwargs, if there is one
                if self.varkw is None:
                    return None
                extra[key] = value
            elif key in bound:
                return None  # given twice
            else:
                bound[key] = value
        for i, name in enumerate(positional):
            if name not in bound and i < self.required_pos:
                return None
        for name in self.kwonly:
            if name not in bound and name not in self.kw_defaults:
                return None
        pairs = [(name, bound[name]) for name in positional if name in bound]
        if self.varargs is not None and n > len(positional):
            pairs.append((self.varargs, tuple(args[len(positional) :])))
        pairs.extend((name, bound[name]) for name in self.kwonly if name in bound)
        if extra:
            pairs.append((self.varkw, extra))
        return pairs


def _plain_parameters(fn):
    """A `_PlainParameters` for an undecorated Python function, else None (inspect decides)."""
    if type(fn) is not types.FunctionType:
        return None
    d = fn.__dict__
    if "__wrapped__" in d or "__signature__" in d or "__text_signature__" in d:
        return None
    return _PlainParameters(fn.__code__, fn.__defaults__, fn.__kwdefaults__)
