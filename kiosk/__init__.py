"""Digituki kiosk: practise e-services safely, hear them read aloud, call a human helper.

One package, three programs: ``kiosk`` (the touchscreen app), ``kiosk-hub`` (the server for
staff, admins and the fleet) and ``kiosk-admin`` (the admin command line).
"""

__version__ = "0.1.0"
