"""The pytest side of the course: options, the shared fixtures, which implementation is graded
(adapters), time limits, and what the learner is shown.
"""
