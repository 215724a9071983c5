"""What the kiosk says aloud. Qt-free: kiosk/ui/voice.py speaks or plays it.

prompts.py  one prompt per screen and per plain-words problem, keyed by a stable name
"""
