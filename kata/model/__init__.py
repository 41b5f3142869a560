"""Which model a run uses and how it is obtained: the real checkpoint from the hub or a mirror, the
shipped offline stand-in, the real-size random model for timings, and the guard that keeps the shared
model intact while learner code runs.
"""
