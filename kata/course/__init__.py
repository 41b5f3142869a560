"""What the course is: the manifest of exercises, the course prompts, the learner's progress (state),
the shipped originals of every learner file (pristine), the declared torch/transformers versions.
"""
