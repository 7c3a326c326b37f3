"""Making user text safe for a Word document.

Word documents are XML 1.0, which cannot carry most control characters, lone
surrogates or the non-characters U+FFFE/U+FFFF; lxml refuses them outright, so
a single pasted CAD line could otherwise break an export. Every string goes
through :func:`clean` before it reaches python-docx.
"""

from __future__ import annotations

import re

# Vertical tab and form feed separate lines in text pasted from Word and CAD
# systems: keep the break rather than gluing the lines together.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# XML 1.0 forbids C0 controls other than tab/newline/CR, surrogates and
# U+FFFE/U+FFFF. C1 controls are legal but discouraged and never meaningful in
# minutes, so they go too.
_INVALID = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: object) -> str:
    """``text`` as a string that XML 1.0 (and so python-docx) accepts.

    Line-separating controls become ``\\n``, lone surrogates become U+FFFD (so
    that the reader sees something was there) and other forbidden characters
    are dropped. ``None`` becomes ``""``.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s  # nearly every string; the three passes below cost the partner minutes 0.1 s (issue 7)
    s = _LINE_BREAKS.sub("\n", s)
    s = _INVALID.sub("", s)
    return _SURROGATES.sub("\ufffd", s)
