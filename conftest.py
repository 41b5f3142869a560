"""Root conftest: every pytest run in this repository gets the llm-kata plugin.

Options (--model, --solutions) and the shared fixtures (model, tokenizer, model_id, device,
impl) live in kata/pytest_plugin.py.
"""

pytest_plugins = ["kata.pytest_plugin"]
