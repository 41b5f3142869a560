"""Root conftest: every pytest run in this repository gets the llm-kata plugin.

Options (--model, --solutions, --task) and the shared fixtures (model, tokenizer, model_id, device,
impl) live in kata/plugin/hooks.py; what the learner is shown, in kata/plugin/output.py.
"""

pytest_plugins = ["kata.plugin.hooks", "kata.plugin.output"]
