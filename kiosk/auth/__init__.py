"""Who may change this kiosk: the technician's PIN and the village assistants. Qt-free.

pin.py         the technician PIN (scrypt hash, lockout kept in the file)
assistants.py  the assistants who may sign in, each with a PIN kept the same way

Their console commands (`kiosk pin`, `kiosk assistant`) live in kiosk/cli/.
"""
