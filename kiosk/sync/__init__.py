"""Background delivery of queued claims to the county server. Qt-free.

credentials.py  the device credential from enrolment (<home>/keys/device.json) and the pin
transport.py    httpx clients that check the county certificate's pinned fingerprint
client.py       the county API calls, with every answer sorted into transient / permanent
payload.py      the claim JSON sent for a stored claim (byte-for-byte reproducible)
state.py        <home>/sync-state.json: status cursor, claims held back, catalog/policy versions
worker.py       SyncWorker: the long-lived loop the app and `kiosk sync` run
runner.py       enrolment and the worker run in the foreground (`kiosk enrol|sync|demo`:
                kiosk/cli/sync.py; the settings screen)
demo.py         a county server on loopback (a subprocess) for demonstrations
"""
