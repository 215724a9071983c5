"""The local SQLite claim store and its queue. Qt-free."""
