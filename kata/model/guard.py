"""Keep the shared model intact across learner code.

All graded tests share one model per session. Learner code may switch it to training mode,
cast it, move it, turn gradients on, overwrite a weight, swap a submodule or edit its configs.
``ModelGuard`` notices each of those after a test (cheaply: flags, identities, version counters
and one float sum per tensor, never a copy of the weights), says what changed, and puts the
model back in place: original submodules and parameter objects, original dtype and device, and
any tensor whose values changed re-read from the checkpoint on disk.

Some changes are the library's own doing, not the learner's: transformers' text-generation
pipeline sets ``tokenizer.padding_side = "left"`` in its constructor (decoder-only models need
left padding to generate a batch). Building that pipeline on the shared tokenizer is what the
notebook does, so the guard watches that constructor: a tokenizer setting changed while it runs
is accepted, and put back silently after the test (exercise 07's batching must not inherit it).
The same setting made anywhere else, by the learner's own code, is still reported.
"""

from __future__ import annotations

import copy
import functools
import importlib.abc
import importlib.machinery
import sys
import weakref
from pathlib import Path

import torch

from kata.i18n import t

TOKENIZER_ATTRIBUTES = ("padding_side", "truncation_side", "chat_template", "pad_token", "eos_token",
                        "bos_token", "model_max_length")

# Library constructors that may change a tokenizer handed to them: module -> class.
# transformers/pipelines/text_generation.py (5.3 and later), TextGenerationPipeline.__init__:
#     if self.tokenizer is not None and self.tokenizer.padding_side == "right":
#         self.tokenizer.padding_side = "left"
LIBRARY_CONSTRUCTORS = {"transformers.pipelines.text_generation": "TextGenerationPipeline"}


SAMPLE = 4096  # elements per tensor in the fingerprint


def _checksum(tensor: torch.Tensor) -> tuple:
    """A cheap fingerprint: storage, in-place version counter, and a strided sample's sum.

    The version counter catches every in-place edit made through the tensor (``w.mul_()``,
    ``w[0] = 1``, ``w.copy_()``); the sample catches bulk edits made behind autograd's back
    (``w.data.zero_()``). Summing the whole 1 GB model after every test would take seconds.
    """
    flat = tensor.detach().reshape(-1)
    step = max(1, flat.numel() // SAMPLE)
    return tensor.data_ptr(), tensor._version, float(flat[::step].sum(dtype=torch.float32))


# --- what the library's own constructors change -------------------------------------------------

_GUARDS: weakref.WeakSet = weakref.WeakSet()  # every live guard: its tokenizer is watched


def _watch_constructor(cls) -> None:
    """Wrap ``cls.__init__``: tokenizer settings that change while it runs are the library's."""
    original = cls.__init__
    if getattr(original, "_kata_watched", False):
        return

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        guards = list(_GUARDS)
        before = [guard._tokenizer_settings() for guard in guards]
        try:
            original(self, *args, **kwargs)
        finally:
            for guard, settings in zip(guards, before):
                guard._note_library_settings(settings)

    __init__._kata_watched = True
    cls.__init__ = __init__


class _WatchOnImport(importlib.abc.MetaPathFinder):
    """Wraps the watched constructors when their module is first imported.

    Importing transformers' pipelines costs about a second: only exercises that use them pay it.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname not in LIBRARY_CONSTRUCTORS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        exec_module = spec.loader.exec_module

        def exec_and_watch(module):
            exec_module(module)
            _watch_constructor(getattr(module, LIBRARY_CONSTRUCTORS[fullname]))

        spec.loader.exec_module = exec_and_watch
        return spec


def _watch_library_constructors() -> None:
    """Once per process: wrap the constructors now if imported, else as soon as they are."""
    for name, class_name in LIBRARY_CONSTRUCTORS.items():
        if name in sys.modules:
            _watch_constructor(getattr(sys.modules[name], class_name))
    if not any(isinstance(finder, _WatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WatchOnImport())


class ModelGuard:
    def __init__(self, model, tokenizer, checkpoint_dir: Path | None):
        self.model, self.tokenizer, self.checkpoint_dir = model, tokenizer, checkpoint_dir
        self.children = [(parent, name, child) for parent in model.modules() for name, child in parent.named_children()]
        self.tensors = []  # (module, kind, name, tensor, dtype, device, checksum) for params and buffers
        for module in model.modules():
            for kind, table in (("param", module._parameters), ("buffer", module._buffers)):
                for name, tensor in table.items():
                    if tensor is not None:
                        self.tensors.append((module, kind, name, tensor, tensor.dtype, tensor.device, _checksum(tensor)))
        self.names = {}  # tensor id -> its first name (a tied weight is stored under that one)
        for name, tensor in [*model.named_parameters(remove_duplicate=False), *model.named_buffers(remove_duplicate=False)]:
            self.names.setdefault(id(tensor), name)
        # Non-persistent buffers (rotary inv_freq) are not in the checkpoint: keep a copy, they are tiny.
        self.buffer_copies = {id(t): t.detach().clone() for _m, kind, _n, t, *_ in self.tensors if kind == "buffer"}
        self.config = copy.deepcopy(model.config.to_dict())
        self.generation_config = copy.deepcopy(model.generation_config)
        self.tokenizer_state = {a: copy.deepcopy(getattr(tokenizer, a, None)) for a in TOKENIZER_ATTRIBUTES}
        self.tokenizer_len = len(tokenizer)
        self.library_settings: dict = {}  # tokenizer attribute -> the value a library constructor set
        _GUARDS.add(self)
        _watch_library_constructors()

    def _tokenizer_settings(self) -> dict:
        return {a: getattr(self.tokenizer, a, None) for a in TOKENIZER_ATTRIBUTES}

    def _note_library_settings(self, before: dict) -> None:
        for attribute, value in self._tokenizer_settings().items():
            if value != before[attribute]:
                self.library_settings[attribute] = value

    # --- after each test -------------------------------------------------------------------

    def after_test(self) -> list[str]:
        """What learner code changed, for the failure message (empty: nothing).

        Tokenizer settings a library constructor made (see LIBRARY_CONSTRUCTORS) are not the
        learner's: while they still hold the library's value they are put back here, silently.
        """
        settings, self.library_settings = self.library_settings, {}
        for attribute, value in settings.items():
            if getattr(self.tokenizer, attribute, None) == value:
                setattr(self.tokenizer, attribute, copy.deepcopy(self.tokenizer_state[attribute]))
        return self.changes()

    # --- what changed --------------------------------------------------------------------

    def changes(self) -> list[str]:
        found = []
        model = self.model
        if any(m.training for m in model.modules()):
            found.append(t("it was switched to training mode (model.train()); call nothing that trains, or model.eval() after"))
        if any(p.requires_grad for p in model.parameters()):
            found.append(t("gradients were turned on for its weights (requires_grad=True)"))
        if any(getattr(parent, name, None) is not child for parent, name, child in self.children):
            found.append(t("a submodule was replaced (e.g. model.lm_head = ...)"))
        changed_tensors, cast, moved = [], False, False
        for module, kind, name, tensor, dtype, device, checksum in self.tensors:
            table = module._parameters if kind == "param" else module._buffers
            current = table.get(name)
            if current is not tensor:
                changed_tensors.append(self.names.get(id(tensor), name))
                continue
            cast |= tensor.dtype != dtype
            moved |= tensor.device != device
            if tensor.dtype == dtype and tensor.device == device and _checksum(tensor) != checksum:
                changed_tensors.append(self.names.get(id(tensor), name))
        if cast:
            found.append(t("its dtype was changed (it was {value}); cast a copy of a tensor, never the model", value=self.tensors[0][4]))
        if moved:
            found.append(t("it was moved to another device (it was on {value})", value=self.tensors[0][5]))
        if changed_tensors:
            shown = ", ".join(changed_tensors[:3]) + (" ..." if len(changed_tensors) > 3 else "")
            found.append(t("weights were modified in place: {shown}", shown=shown))
        if model.config.to_dict() != self.config:
            found.append(t("model.config was edited"))
        if model.generation_config.to_dict() != self.generation_config.to_dict():
            found.append(t("model.generation_config was edited (pass generation options to generate() instead)"))
        tok = self.tokenizer
        edited = [a for a in TOKENIZER_ATTRIBUTES if getattr(tok, a, None) != self.tokenizer_state[a]]
        if len(tok) != self.tokenizer_len:
            edited.append(t("its vocabulary (tokens were added)"))
        if edited:
            found.append(t("the tokenizer was edited: {join}", join=', '.join(edited)))
        return found

    # --- putting it back -----------------------------------------------------------------

    def restore(self) -> None:
        model = self.model
        for parent, name, child in self.children:
            setattr(parent, name, child)
        stale = []
        with torch.no_grad():
            for module, kind, name, tensor, dtype, device, checksum in self.tensors:
                table = module._parameters if kind == "param" else module._buffers
                table[name] = tensor
                if tensor.dtype != dtype or tensor.device != device:
                    tensor.data = tensor.data.to(device=device, dtype=dtype)
                if _checksum(tensor) != checksum:
                    stale.append((tensor, kind))
            self._reload(stale)
        # Restoring bumps version counters: take the fingerprints afresh.
        self.tensors = [(m, k, n, t, d, v, _checksum(t)) for m, k, n, t, d, v, _c in self.tensors]
        model.requires_grad_(False)
        model.eval()
        for key, value in self.config.items():
            if getattr(model.config, key, None) != value:
                setattr(model.config, key, copy.deepcopy(value))
        model.generation_config = copy.deepcopy(self.generation_config)
        for attribute, value in self.tokenizer_state.items():
            if getattr(self.tokenizer, attribute, None) != value:
                setattr(self.tokenizer, attribute, copy.deepcopy(value))
        self.library_settings = {}

    def _reload(self, stale) -> None:
        """Re-read changed tensors: buffers from their copies, weights from the checkpoint files."""
        wanted = {}
        for tensor, kind in stale:
            if kind == "buffer" and id(tensor) in self.buffer_copies:
                tensor.copy_(self.buffer_copies[id(tensor)])
            else:
                wanted[self.names[id(tensor)]] = tensor
        if not wanted:
            return
        from safetensors import safe_open

        files = sorted(Path(self.checkpoint_dir).glob("*.safetensors")) if self.checkpoint_dir else []
        for file in files:
            with safe_open(str(file), framework="pt") as weights:
                for key in weights.keys():
                    if key in wanted:
                        target = wanted.pop(key)
                        target.copy_(weights.get_tensor(key).to(target.device, target.dtype))
        if wanted:
            raise RuntimeError(f"could not restore {sorted(wanted)} from {self.checkpoint_dir}")
