"""``zhen cache``: where the translation memory and converted models live, and emptying them."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.errors import InputError


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``cache info`` and ``cache clear`` to the ``zhen`` command line."""
    parser = subparsers.add_parser(
        "cache", help="show or clear the translation memory and converted models",
        description="zhen keeps a translation memory (so no sentence is translated twice) and the "
                    "models converted for the CTranslate2 engine in the user cache folder "
                    "(ZHEN_CACHE_DIR overrides it).")
    parser.set_defaults(func=lambda args: _usage(parser))
    actions = parser.add_subparsers(dest="cache_command", metavar="ACTION")

    info = actions.add_parser("info", help="show the cache folder, its translation memory and models")
    info.add_argument("--json", action="store_true", help="print the details as JSON")
    info.set_defaults(func=run_info)

    clear = actions.add_parser("clear", help="empty the translation memory and delete converted models")
    clear.add_argument("--keep-models", action="store_true",
                       help="keep the converted CTranslate2 models (converting again takes a while)")
    clear.add_argument("--yes", "-y", action="store_true",
                       help="do not ask; needed when not run from a terminal (scripts, pipes)")
    clear.set_defaults(func=run_clear)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"


def run_info(args: argparse.Namespace) -> int:
    from pipeline.memory import cache_report

    report = cache_report()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    memory = report["memory"]
    print(f"cache folder: {report['directory']}")
    if memory["exists"]:
        print(f"translation memory: {memory['path']} ({memory['segments']} segments, {_size(memory['bytes'])})")
        for row in memory["by_model"]:
            print(f"  {row['segments']:>8}  {row['engine']}  {row['model']}")
    else:
        print(f"translation memory: {memory['path']} (not created yet)")
    if report["converted_models"]:
        print("converted models:")
        for model in report["converted_models"]:
            print(f"  {model['path']} ({_size(model['bytes'])})")
    else:
        print("converted models: none")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    from pipeline.memory import cache_report, clear_cache

    if not args.yes:
        memory = cache_report()["memory"]
        what = (f"the translation memory {memory['path']} ({memory['segments']} segments, shared by every "
                f"run on this machine)" if memory["exists"] else f"the translation memory {memory['path']}")
        if not args.keep_models:
            what += " and the converted models"
        if not sys.stdin.isatty():
            raise InputError(f"this would empty {what}; standard input is not a terminal, so zhen cannot "
                             f"ask first: pass --yes to clear without asking.")
        answer = input(f"Empty {what}? [y/N] ").strip().casefold()
        if answer not in ("y", "yes"):
            print("nothing cleared")
            return 1
    clear_cache(models=not args.keep_models, on_removed=lambda path: print(f"cleared {path}"))
    return 0
