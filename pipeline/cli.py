"""The ``zhen`` command line: parse arguments, call the library, map errors to exit statuses.

Each subcommand lives in ``pipeline.commands.<name>`` with ``add_parser(subparsers)``; the parser
stores the handler in ``func``. Nothing heavy (torch, transformers) is imported until a handler runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pipeline import __version__
from pipeline.errors import PipelineError

COMMANDS = ("translate", "glossary", "review", "align", "cache")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhen",
        description="Chinese→English translation with an enforced terminology glossary and a reviewer workbook.",
    )
    parser.add_argument("--version", action="version", version=f"zhen {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"pipeline.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"pipeline.commands.{name}":
                continue  # a command not present in this build
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it could not be handled
        return status
    except BrokenPipeError:
        # The reader (`| head -1`) stopped reading: what it wanted was written. Point stdout at
        # devnull so the interpreter's own flush at exit does not fail again (the recipe of the
        # Python docs, "Note on SIGPIPE"), and end as `head` expects.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except PipelineError as error:
        print(f"zhen {args.command}: error: {error}", file=sys.stderr)
        return error.exit_status
    except OSError as error:  # a full disk or a vanished folder while writing: no traceback, outputs untouched
        where = f" ({error.filename})" if error.filename else ""
        print(f"zhen {args.command}: error: {error.strerror or error}{where}; previous outputs were left as they were.",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"zhen {args.command}: interrupted; finished work is kept, run the same command again to resume.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
