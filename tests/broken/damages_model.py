"""hidden_states() returns the right values but leaves the shared model trained, cast and zeroed."""
from kata.plugin.adapters import reference_functions

reference = reference_functions("03_logits")
globals().update(reference)


def hidden_states(model, input_ids):
    hidden = reference["hidden_states"](model, input_ids)
    model.train()
    model.float()
    model.model.layers[0].mlp.up_proj.weight.data.zero_()
    model.lm_head.weight.requires_grad_(True)
    model.generation_config.repetition_penalty = 1.0
    return hidden
