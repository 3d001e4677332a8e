"""Pure logic of the kiosk. Imports neither kivy nor any web framework (a test proves it)."""
