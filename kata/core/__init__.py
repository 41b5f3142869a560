"""The bottom layer: the course's error type, the deadline that stops a hung test, the typed grading
report, small torch/transformers helpers. It imports only kata.i18n (a test's title in each language).
"""
