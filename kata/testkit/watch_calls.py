"""Watching what a learner's code calls, and what the model's own modules see.

- ``call``: runs a learner function that must rebuild a computation from the weights, and fails
  if it ran a composite module of the model (a forward pre-hook on each, removed as soon as the
  function returns) or transformers' own Qwen2 code (a profiler, on only while the function
  runs). Leaf ``nn.Linear`` / ``nn.Embedding`` modules and parameter-free activations stay
  allowed. An error in the learner's code is reported with its line and the case it broke on.
- ``Traced``: a learner function that records its calls to the exercise's other functions
  (looked up by name in its module's globals), with their arguments and results.
- ``record``: runs the model with forward hooks and keeps each named module's first input and
  output, the model's own intermediate values.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import traceback

import torch
from torch import nn
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.models.qwen2 import modeling_qwen2

from kata.core.deadline import GradedTestTimeout
from kata.i18n import t
from kata.testkit.checks import fail

QWEN2_CODE = (modeling_qwen2.__file__, sdpa_attention_forward.__code__.co_filename)  # the files call() forbids
LEAVES = (nn.Linear, nn.Embedding)  # modules a rebuilt computation may call: each is one matrix product or lookup


def watched_modules(roots) -> list[tuple[str, nn.Module]]:
    """(name as written in code, module) of every composite module under roots ({module: prefix}).

    Not watched: the leaves, containers (nn.ModuleList) and modules without children, parameters
    or buffers (activations such as SiLU).
    """
    return [(re.sub(r"\.(\d+)", r"[\1]", f"{prefix}.{name}".strip(".")), m) for root, prefix in roots.items()
            for name, m in root.named_modules() if not isinstance(m, (*LEAVES, nn.ModuleList))
            and [*m.children(), *m.parameters(recurse=False), *m.buffers(recurse=False)]]


def call(fn, label, roots, *args, error_hint=None, library=QWEN2_CODE):
    """fn(*args), failing if it ran a composite module of `roots` ({module: name}) or code from `library`'s files.

    ``label`` is the call as the learner reads it; the text after its "# " (up to a ";") names the
    case, which an error message repeats, followed by ``error_hint`` (by default: print the shapes).
    """
    seen = []
    hooks = [m.register_forward_pre_hook(lambda *_, n=n: seen.append(f"{n}(...)")) for n, m in watched_modules(roots)]

    def profile(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename in library:
            code = frame.f_code
            name = getattr(code, "co_qualname", code.co_name)  # Python >= 3.11 names the class too
            seen.append(t("transformers' {name}() from {file}", name=name, file=os.path.basename(code.co_filename)))

    previous, error = sys.getprofile(), None
    sys.setprofile(profile)
    try:
        result = fn(*args)
    except (NotImplementedError, GradedTestTimeout):
        raise
    except Exception as e:  # noqa: BLE001 - reported below, with the case it broke on (which layer, which batch)
        error = e
    finally:
        sys.setprofile(previous)
        for h in hooks:
            h.remove()
    name = fn.__name__ if hasattr(fn, "__name__") else t("your function")
    if seen:
        fail(label, t("your {name}() called {call}", name=name, call=seen[0]),
             t("{name}() rebuilt from the weights: leaf nn.Linear / nn.Embedding modules (q_proj, embed_tokens, "
               "lm_head...), tensor operations, torch.nn.functional", name=name),
             t("the model's own module (or transformers' function) computes the answer for you; read its weights "
               "and write the computation."))
    if error is not None:
        file = getattr(getattr(fn, "__code__", None), "co_filename", None)
        line = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == file][-1:]
        where = "".join(t(" (line {n}: {code})", n=f.lineno, code=f.line) for f in line)
        case = label.split("# ")[-1].split(";")[0]
        hint = t("print the shape of each step.") if error_hint is None else error_hint
        fail(label, t("an error: {kind}: {error}{where}", kind=type(error).__name__, error=error, where=where),
             t("a result"), t("it broke on {case}: {hint}", case=case, hint=hint))
    return result


class Traced:
    """Calls a learner function, recording its calls to the functions `names` of its module (its globals).

    ``calls`` holds (name, arguments as passed, result) in order. The spies are in place only
    while the traced function runs; ``originals`` keeps the functions themselves.
    """

    def __init__(self, fn, names):
        self.fn, self.space, self.calls, self.__name__, self.__code__ = fn, fn.__globals__, [], fn.__name__, fn.__code__
        self.names = tuple(names)
        self.originals = {n: self.space[n] for n in self.names if callable(self.space.get(n))}

    def __call__(self, *args):
        try:
            self.space.update({n: self._spy(n, f) for n, f in self.originals.items()})
            return self.fn(*args)
        finally:
            self.space.update(self.originals)

    def _spy(self, name, f):
        def spy(*args, **kwargs):
            result = f(*args, **kwargs)
            try:
                args = list(inspect.signature(f).bind(*args, **kwargs).arguments.values())
            except (TypeError, ValueError):
                pass
            self.calls.append((name, args, result))
            return result
        return spy

    def find(self, name, first=None, second=None):
        """[(args, result)] of the calls of `name` whose first argument is `first` / second is `second`."""
        return [(a, r) for n, a, r in self.calls if n == name and (first is None or a[0] is first)
                and (second is None or (len(a) > 1 and a[1] is second))]


def record(run, named):
    """run() under no_grad with forward hooks: (its result, {key: (first input, output)} of each named module)."""
    seen = {}
    hooks = [m.register_forward_hook(lambda _m, a, kw, out, k=k: seen.__setitem__(
        k, (a[0] if a else kw["hidden_states"], out)), with_kwargs=True) for k, m in named.items()]
    try:
        with torch.no_grad():
            return run(), seen
    finally:
        for h in hooks:
            h.remove()
