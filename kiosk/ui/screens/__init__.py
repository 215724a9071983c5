"""One module per screen. Each screen is a `Screen`: it emits what the person chose and never
reaches for the store or another screen; the main window wires them together."""
