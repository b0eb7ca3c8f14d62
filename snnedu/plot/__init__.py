"""Matplotlib figures. Every function takes ``ax=None`` and returns what it drew."""
