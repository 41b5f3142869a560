"""Keep the shared model intact across learner code.

All graded tests share one model per session. Learner code may switch it to training mode,
cast it, move it, turn gradients on, overwrite a weight, swap a submodule or edit its configs.
``ModelGuard`` notices each of those after a test (cheaply: flags, identities, version counters
and one float sum per tensor, never a copy of the weights), says what changed, and puts the
model back in place: original submodules and parameter objects, original dtype and device, and
any tensor whose values changed re-read from the checkpoint on disk.
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch

TOKENIZER_ATTRIBUTES = ("padding_side", "truncation_side", "chat_template", "pad_token", "eos_token",
                        "bos_token", "model_max_length")


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

    # --- what changed --------------------------------------------------------------------

    def changes(self) -> list[str]:
        found = []
        model = self.model
        if any(m.training for m in model.modules()):
            found.append("it was switched to training mode (model.train()); call nothing that trains, or model.eval() after")
        if any(p.requires_grad for p in model.parameters()):
            found.append("gradients were turned on for its weights (requires_grad=True)")
        if any(getattr(parent, name, None) is not child for parent, name, child in self.children):
            found.append("a submodule was replaced (e.g. model.lm_head = ...)")
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
            found.append(f"its dtype was changed (it was {self.tensors[0][4]}); cast a copy of a tensor, never the model")
        if moved:
            found.append(f"it was moved to another device (it was on {self.tensors[0][5]})")
        if changed_tensors:
            shown = ", ".join(changed_tensors[:3]) + (" ..." if len(changed_tensors) > 3 else "")
            found.append(f"weights were modified in place: {shown}")
        if model.config.to_dict() != self.config:
            found.append("model.config was edited")
        if model.generation_config.to_dict() != self.generation_config.to_dict():
            found.append("model.generation_config was edited (pass generation options to generate() instead)")
        tok = self.tokenizer
        edited = [a for a in TOKENIZER_ATTRIBUTES if getattr(tok, a, None) != self.tokenizer_state[a]]
        if len(tok) != self.tokenizer_len:
            edited.append("its vocabulary (tokens were added)")
        if edited:
            found.append(f"the tokenizer was edited: {', '.join(edited)}")
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
