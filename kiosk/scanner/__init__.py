"""Capture: camera (OpenCV), flatbed (SANE) and file import. Qt-free."""
