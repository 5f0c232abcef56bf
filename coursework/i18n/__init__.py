"""The course in two languages: English (``en``) and Korean (``ko``), from one source.

- :mod:`.text` -- ``fingerprint(text)``, the hash that ties a translation to the text it
  translates (the format: ``I18N-FORMAT`` in the README's "Language" section);
- :mod:`.settings` -- which language is in force (:func:`language`): ``COURSEWORK_LANG``,
  else the language a student bundle was built in, else the course's
  ``c.Coursework.language`` in the nearest ``nbgrader_config.py``, else English;
- :mod:`.messages` -- the catalog of the texts students read (check messages, the
  feedback page, figure labels): :func:`msg`;
- :mod:`.notebooks` -- a source notebook's markdown in one language (:func:`localize`)
  and the drift check (:func:`drift`);
- :mod:`.glossary` -- the lecture's terms (``glossary.csv``) and the check that a Korean
  text uses them (:func:`glossary_problems`);
- :mod:`.style` -- the checkable rules of the Korean style guide (``docs/korean-style.md``)
  for any Korean text (:func:`korean_problems`), with :mod:`.particles`, the particle after an
  English word, a code span, a number or a Greek letter (readings: ``readings.csv``);
- :mod:`.fonts` -- a font with Hangul for matplotlib (:func:`use_hangul_font`).
"""

from .messages import msg
from .settings import LANGUAGES, language
from .text import fingerprint, normal

__all__ = ["LANGUAGES", "language", "msg", "fingerprint", "normal"]
