"""The review console under `/review/`: server-rendered pages for the county office."""

from county.web.console import build_router, install

__all__ = ["build_router", "install"]
