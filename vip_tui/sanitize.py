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


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates that can make a terminal show text in another order
# than it is stored ("Trojan source").
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ESC shows as ␛, visible and inert
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def for_terminal(text: object) -> str:
    """``text`` safe to print on a terminal or show in a widget: no escape sequence can act.

    Control characters become their visible pictures (ESC as ␛), C1 controls
    and bidirectional overrides become U+FFFD; tab and newline stay. Every CLI
    output of stored text and every widget that shows it goes through here
    (or through ``vip_tui.widgets`` helpers that call it).
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    return _TERMINAL_UNSAFE.sub(_shown, s)
