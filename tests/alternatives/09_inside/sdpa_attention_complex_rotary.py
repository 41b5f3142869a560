"""A correct version with other arithmetic: apply_rotary through complex numbers, and attention()
through torch.nn.functional.scaled_dot_product_attention (is_causal, enable_gqa) instead of a hand
softmax and repeat_interleave.

Pair i of a head is (x[i], x[i + head_dim/2]): as the complex number x[i] + j·x[i + head_dim/2],
turning it by angle a is a product with cos a + j·sin a.
"""
import torch
import torch.nn.functional as F

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))


def apply_rotary(q, k, cos, sin):
    half = cos.shape[-1] // 2
    turn = torch.complex(cos[..., :half].float(), sin[..., :half].float()).unsqueeze(1)  # [batch, 1, T, head_dim/2]

    def rotate(x):
        pairs = torch.complex(x[..., :half].float(), x[..., half:].float()) * turn
        return torch.cat((pairs.real, pairs.imag), dim=-1).to(x.dtype)

    return rotate(q), rotate(k)


def attention(layer, hidden, cos, sin):
    attn = layer.self_attn
    batch, T, _ = hidden.shape
    q, k, v = (p(hidden).view(batch, T, -1, attn.head_dim).transpose(1, 2) for p in (attn.q_proj, attn.k_proj,
                                                                                        attn.v_proj))
    q, k = apply_rotary(q, k, cos, sin)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)  # scale 1/sqrt(head_dim)
    return attn.o_proj(out.transpose(1, 2).reshape(batch, T, -1))
