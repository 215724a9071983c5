"""The county server: receives claims from township kiosks, lets reviewers move them through
first and second review to payment, and hands catalog and policy updates back to the kiosks.

Plain FastAPI + SQLAlchemy; SQLite for a single county office, PostgreSQL by database URL.
"""

__version__ = "0.1.0"
