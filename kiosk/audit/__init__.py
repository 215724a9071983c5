"""Automatic claim audit and refund estimate. Qt-free."""
