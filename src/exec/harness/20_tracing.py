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
        if signature is not None:
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


