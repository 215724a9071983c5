"""What every layer of the kiosk may lean on, and which leans on nothing of the kiosk. Qt-free.

config.py     where a kiosk keeps its state, and its validated configuration (kiosk.toml)
durable.py    files that are wholly old or wholly new after a crash, and the process lock
plain.py      errors the person at the kiosk can act on, with stable codes
sdnotify.py   systemd's READY=1 / WATCHDOG=1 notifications
devices.py    the cameras and scanners the settings screen offers
logexport.py  the technician's log export to a USB stick
"""
