"""Top-level code that loads a model by name: it fails (and would be slow) at import."""
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("/nonexistent/Qwen2.5-0.5B-Instruct")
