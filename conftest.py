"""Root conftest: every pytest run in this repository gets the llm-kata plugin.

Options (--model, --solutions, --task) and the shared fixtures (model, tokenizer, model_id, device,
impl) live in kata/pytest_plugin.py; what the learner is shown, in kata/pytest_report.py.
"""

pytest_plugins = ["kata.pytest_plugin", "kata.pytest_report"]
