"""What graded tests use to judge learner code: failure messages (checks), probes over the model,
per-dtype tolerances, the forbidden-call watcher and the divergence locator.
"""
