"""The project's own tests read the course's English messages, whatever the developer's locale,
and run on the offline stand-in unless told otherwise (no hub probe for the session's fixtures)."""

import os

os.environ.setdefault("KATA_LANG", "en")
os.environ.setdefault("KATA_MODEL", "tiny")
