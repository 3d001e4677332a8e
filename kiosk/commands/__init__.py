"""Subcommands of the ``kiosk`` program, one module each with ``add_parser`` and ``run``.

To add one: write ``kiosk/commands/NAME.py`` with ``add_parser(subparsers)`` (returns the parser)
and ``run(args, settings) -> int``, then list the module in :data:`kiosk.cli.COMMANDS`.
Modules import Kivy only inside ``run`` so that ``kiosk --help`` stays fast and headless.
"""
