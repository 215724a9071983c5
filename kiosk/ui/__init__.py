"""Touchscreen front end (PySide6). The only package allowed to import Qt widgets."""
