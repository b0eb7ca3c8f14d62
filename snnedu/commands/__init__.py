"""Subcommands of the ``snnedu`` command, one module each.

Each module defines ``NAME`` (the subcommand), ``HELP`` (one line) and
``register(parser)`` that adds its arguments and sets ``func`` via ``set_defaults``;
``func(args)`` returns the exit status.
"""
