"""``zhen glossary``: check, suggest, export and import the terminology glossary."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from pipeline.errors import InputError

_GLOSSARY_HELP = ("glossary YAML file or folder of them (default: ./glossary/ when it exists, else the "
                  "Belt and Road glossary shipped with zhen); may come before or after the action")


def _glossary_option(default: object) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--glossary", metavar="PATH", default=default, help=_GLOSSARY_HELP)
    return parser


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``glossary`` and its actions to the ``zhen`` command line."""
    # `zhen glossary --glossary X check` and `zhen glossary check --glossary X` both work: the
    # action's copy of the option leaves the value alone unless given (SUPPRESS), so the one given
    # before the action survives.
    common = _glossary_option(argparse.SUPPRESS)
    parser = subparsers.add_parser(
        "glossary", parents=[_glossary_option(None)], help="check, suggest, export or import glossary terms",
        description="Work on the terminology glossary: the YAML files in glossary/ "
                    "(format: glossary/README.md).")
    parser.set_defaults(func=lambda args: _usage(parser))
    actions = parser.add_subparsers(dest="glossary_command", metavar="ACTION")

    check = actions.add_parser(
        "check", parents=[common], help="validate the glossary and list every problem",
        description="Validate a glossary file or folder. Exit status: 0 clean, 1 warnings only, "
                    "2 errors.")
    check.add_argument("path", nargs="?", help="file or folder to check (the same as --glossary PATH)")
    check.set_defaults(func=run_check)

    suggest = actions.add_parser(
        "suggest", parents=[common], help="candidate terms of a text not yet in the glossary",
        description="List candidate terms of a Chinese text that the glossary lacks, best first, "
                    "as YAML stubs (status: proposed, empty en) to paste under entries:.")
    suggest.add_argument("text", help="Chinese text file (UTF-8)")
    suggest.add_argument("--top", type=int, default=30, help="how many candidates (default: %(default)s)")
    suggest.add_argument("--min-count", type=int, default=2,
                         help="least occurrences of an unquoted candidate (default: %(default)s)")
    suggest.add_argument("--write", metavar="FILE",
                         help="append the stubs to this YAML file instead of printing them")
    suggest.set_defaults(func=run_suggest)

    export = actions.add_parser(
        "export", parents=[common], help="write the glossary as TBX, CSV or TSV",
        description="Export the approved entries: tbx (TBX-Basic, for CAT tools), csv (two "
                    "columns, for machine-translation APIs) or tsv (OmegaT's glossary).")
    export.add_argument("--format", choices=("tbx", "csv", "tsv"),
                        help="default: from the name given to -o")
    export.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    export.add_argument("--include-proposed", action="store_true", help="export proposed entries too")
    export.add_argument("--with-notes", action="store_true", help="csv: add the note as a third column")
    export.set_defaults(func=run_export)

    import_ = actions.add_parser(
        "import", parents=[common], help="add terms from a TBX, CSV or TSV file to a YAML file",
        description="Read terms from TBX, CSV (zh,en[,note]) or TSV (OmegaT) and append the ones "
                    "the glossary lacks to a YAML file. Exit status 1 when rows were skipped.")
    import_.add_argument("input", help="terms file: .tbx, .csv or .tsv/.txt")
    import_.add_argument("-o", "--output", metavar="FILE", required=True,
                         help="YAML file to create or append to, e.g. glossary/imported.yaml")
    import_.add_argument("--format", choices=("tbx", "csv", "tsv"), help="default: from the file name")
    import_.add_argument("--status", choices=("approved", "proposed"),
                         help="status of the imported entries (default: as in the file, else approved)")
    import_.set_defaults(func=run_import)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_check(args: argparse.Namespace) -> int:
    """Print every problem as ``file:line:col: severity: message`` and a summary line."""
    from pipeline.glossary.check import read_glossary
    from pipeline.glossary.load import find_glossary

    path = find_glossary(args.path or args.glossary)
    reading = read_glossary(path)
    for problem in reading.problems:
        print(problem)
    errors = sum(problem.severity == "error" for problem in reading.problems)
    warnings = len(reading.problems) - errors
    files = len(reading.files)
    print(f"{path}: {len(reading.entries)} entries in {files} file{'s' * (files != 1)}; "
          f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return 2 if errors else 1 if warnings else 0


def _read_text(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from error


def run_suggest(args: argparse.Namespace) -> int:
    """Print (or append with ``--write``) the best candidate terms as YAML stubs."""
    from pipeline.glossary.load import find_glossary, load_glossary
    from pipeline.glossary.exchange import append_entries
    from pipeline.glossary.suggest import render_stubs, suggest_terms

    glossary_path = find_glossary(args.glossary)
    glossary = load_glossary(glossary_path)
    candidates = suggest_terms(_read_text(args.text), glossary, limit=args.top,
                               min_count=args.min_count)
    if args.write:
        added = append_entries(args.write, [c.to_entry() for c in candidates],
                               comments={c.zh: c.comment for c in candidates},
                               header=f"candidate terms from {Path(args.text).name}")
        print(f"{args.write}: added {len(added)} proposed entr{'ies' if len(added) != 1 else 'y'} "
              f"(of {len(candidates)} candidates); fill in `en`, then set `status: approved`")
        return 0
    print(f"# Candidate terms of {args.text} not in the glossary {glossary_path}, best first.\n"
          "# Paste them under `entries:`, fill in `en` and set `status: approved`.")
    print(render_stubs(candidates), end="")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the glossary in an exchange format."""
    from pipeline.glossary.load import find_glossary, load_glossary
    from pipeline.glossary.exchange import export_terms, format_for, write_atomic

    if not args.format and not args.output:
        raise InputError("say which format to export: --format tbx, csv or tsv (or -o FILE.tbx)")
    fmt = format_for(args.output, args.format) if args.output else args.format
    glossary = load_glossary(find_glossary(args.glossary))
    entries = [entry for entry in glossary.entries if entry.approved or args.include_proposed]
    text = export_terms(entries, fmt, name=glossary.name, with_notes=args.with_notes)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.output), text)
        print(f"{args.output}: {sum(1 for e in entries if e.en)} terms ({fmt})", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Append the terms of a TBX, CSV or TSV file that the glossary lacks to a YAML file."""
    from pipeline.glossary.check import read_glossary
    from pipeline.glossary.exchange import append_entries, read_terms
    from pipeline.glossary.load import find_glossary

    entries, warnings = read_terms(args.input, args.format)
    if args.status:
        entries = [dataclasses.replace(entry, status=args.status) for entry in entries]
    existing = read_glossary(find_glossary(args.glossary))
    known = {}
    if existing:
        from pipeline.glossary.model import Glossary

        known_glossary = Glossary(existing.entries)
        for entry in entries:
            found = known_glossary.lookup(entry.zh)
            if found and Path(found.file).resolve() != Path(args.output).resolve():
                known[entry.zh] = found
    for zh, found in known.items():
        warnings.append(f"{args.input}: skipped {zh}: already in the glossary at "
                        f"{found.file}:{found.line} as `{found.en}`")
    added = append_entries(args.output, [e for e in entries if e.zh not in known],
                           name=Path(args.output).stem,
                           header=f"terms imported from {Path(args.input).name}")
    for warning in warnings:
        print(warning, file=sys.stderr)
    skipped = len(entries) - len(known) - len(added)
    print(f"{args.output}: added {len(added)} entries from {args.input}"
          + (f"; {skipped} already in the file" if skipped else ""))
    return 1 if warnings else 0
