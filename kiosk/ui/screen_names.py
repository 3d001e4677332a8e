"""Names of the kiosk's screens, importable without Kivy (the command line lists them)."""

#: Every screen the app has, in the order a visitor meets them (``kiosk screenshot --screen``).
SCREEN_NAMES = (
    "welcome",
    "home",
    "catalogue",
    "settings",
    "help",
    "help_queue",
    "help_coming",
    "help_unreachable",
    "help_ended",
    "idle",
    "end",
    "error",
    "demo",
    "keyboard",
    "completion",
    "assist_login",
    "assisted",
    "assist_resolve",
    "consent",
)
#: Screens of the help flow (the top bar's Back from any of them returns to what the visitor
#: was doing; a demo in progress stays open behind them).
HELP_SCREENS = ("help", "help_queue", "help_coming", "help_unreachable", "help_ended")
#: Screens of assisted mode (staff at the kiosk; docs/assisted.md). Not read aloud by
#: themselves: the consent question is always read, the staff's screens never.
ASSIST_SCREENS = ("assist_login", "assisted", "assist_resolve", "consent")
