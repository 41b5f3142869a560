"""The one exception type the `kata` command reports as a single sentence, without a traceback."""


class KataError(Exception):
    pass
