"""Township medical-insurance kiosk: scan receipts, audit, queue and sync reimbursement claims."""

__version__ = "0.1.0"
