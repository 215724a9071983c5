"""The national insurance catalog and item matching. Qt-free."""
