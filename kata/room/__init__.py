"""`kata room`: a workshop's progress, live, for the instructor, without any learner's code leaving the laptop.

Two sides, one record format:

- the learner's side needs nothing beyond the standard library: ``records`` builds a small record
  from a graded report (ids and counts only, never a rendered message), ``outbox`` keeps it on disk
  (the check's own path stops there: no network), and ``send`` delivers the outbox later, in a
  separate process, with a short timeout;
- the instructor's side (``pip install -e ".[room]"``): ``store`` keeps the room in SQLite, ``server``
  serves the learners' posts and the live page (Starlette, run by uvicorn), ``explain`` renders an
  explanation id in the instructor's language, ``loadbench`` measures the server under a room's load.
"""
