"""Background delivery of queued claims to the county server. Qt-free."""
