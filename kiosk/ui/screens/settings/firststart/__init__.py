"""The on-screen first start (language, county server, camera, scanner, summary); the
wizard is in `wizard.py`, its Qt-free record of how far it got in `progress.py`."""
