"""Kept for imports from before the disclosure layer: see :mod:`vip_tui.sanitize`."""

from ..sanitize import clean

__all__ = ["clean"]
