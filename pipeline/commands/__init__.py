"""One module per ``zhen`` subcommand, each with ``add_parser(subparsers)`` and a handler.

Handlers import the library when they run, not at the top of the module: ``zhen --help`` builds
every subcommand's parser, and importing the whole pipeline for that would slow every start-up.
"""
