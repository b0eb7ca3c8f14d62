"""Quizzes: self-study in the terminal, and the instructor's tools for quiz banks.

  snnedu quiz list                          the course's quiz banks
  snnedu quiz run BANK                      take a quiz in the terminal, score at the end
  snnedu quiz check FILE [--answers]        validate your own question(s) and preview them
                                            as a student sees them (--answers: with the key)
  snnedu quiz merge OUT FILES...            merge students' question files into one bank
  snnedu quiz export BANK [-o OUT.zip]      QTI zip for Canvas (Import course content → QTI)
  snnedu quiz collect RESULTS... -o CSV     gather students' results files into one CSV
                                            (answers graded again against the bank)

BANK is a course bank's name (see `snnedu quiz list`) or the path of a bank file in
text2qti's plain-text format.
"""

from __future__ import annotations

import argparse
import sys

NAME = "quiz"
HELP = "take a quiz in the terminal; check, merge, export (QTI) banks and collect results"


def register(parser) -> None:
    """Add the ``quiz`` actions to ``parser``, the subcommand's own parser.

    The actions are list, run, check, merge, export, collect. Each one sets ``func``,
    which :func:`snnedu.cli.main` calls with the parsed arguments; ``snnedu quiz``
    alone prints this subcommand's help.
    """
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    list_ = actions.add_parser("list", help="list the course's quiz banks")
    list_.set_defaults(func=_list)

    run = actions.add_parser("run", help="take a quiz in the terminal")
    run.add_argument("bank", help="bank name (snnedu quiz list) or path of a bank file")
    run.add_argument(
        "--mode",
        choices=("practice", "assessment"),
        default=None,
        help="practice: feedback after each answer; assessment: at the end (default: "
        "assessment for a bank marked for assessment, else practice)",
    )
    run.add_argument("--shuffle", action="store_true", help="shuffle questions and choices")
    run.add_argument("--seed", type=int, default=None, help="seed for --shuffle")
    run.add_argument("--student", default="", help="your name, recorded in the results file")
    run.add_argument(
        "--results",
        metavar="FILE",
        default=None,
        help="save your attempts and score to this JSON file",
    )
    run.set_defaults(func=_run)

    check = actions.add_parser("check", help="validate question file(s) and preview them")
    check.add_argument("files", nargs="+", metavar="FILE", help="question file(s) to check")
    check.add_argument(
        "--answers",
        action="store_true",
        help="show the key and the feedback too (default: the question as a student sees it)",
    )
    # the former opt-out of the key, now the default
    check.add_argument("--no-answers", action="store_true", help=argparse.SUPPRESS)
    check.set_defaults(func=_check)

    merge = actions.add_parser("merge", help="merge question files into one bank")
    merge.add_argument("out", help="the bank file to write")
    merge.add_argument("files", nargs="+", metavar="FILE", help="students' question files")
    merge.add_argument("--title", default="Questions written by the class", help="quiz title")
    merge.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    merge.set_defaults(func=_merge)

    export = actions.add_parser("export", help="write a bank as a QTI zip (Canvas)")
    export.add_argument("bank", help="bank name or path")
    export.add_argument(
        "-o",
        "--output",
        default=None,
        help="zip to write (default: BANK.zip in the current folder)",
    )
    export.add_argument(
        "--allow-local-images",
        action="store_true",
        help="embed images the bank names by local path (only for banks you trust)",
    )
    export.set_defaults(func=_export)

    collect = actions.add_parser("collect", help="gather results files into one CSV")
    collect.add_argument("results", nargs="+", metavar="RESULTS", help="results files (.json)")
    collect.add_argument("-o", "--output", required=True, help="CSV file to write")
    collect.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="BANK",
        help="bank file to grade against (repeatable; course banks are found by name)",
    )
    collect.add_argument(
        "--mode",
        choices=("practice", "assessment"),
        default=None,
        help="which attempt counts: the first (practice) or the last (assessment); default: "
        "the last for an assessment bank, else the mode the file names",
    )
    collect.set_defaults(func=_collect)

    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _list(args) -> int:
    """Print each course bank: questions, self-study or assessment, title."""
    from snnedu.exercises.quiz import list_banks, load_bank

    for path in list_banks():
        try:
            bank = load_bank(path)
            use = "assessment" if bank.assessment else "self-study"
            print(f"{path.stem:24s} {len(bank.questions):3d} questions  {use:10s}  {bank.title}")
        except ValueError as error:
            print(f"{path.stem:24s}   invalid: {error}")
    return 0


def _run(args) -> int:
    """Take a quiz in the terminal."""
    import numpy as np

    from snnedu.exercises.quiz import load_bank
    from snnedu.exercises.quiz_terminal import run_terminal_quiz

    bank = load_bank(args.bank)
    rng = np.random.default_rng(args.seed) if args.shuffle else None
    run_terminal_quiz(
        bank,
        mode=args.mode,
        shuffle=args.shuffle,
        rng=rng,
        student=args.student,
        results=args.results,
    )
    return 0


def _check(args) -> int:
    """Validate question files and print their previews and advice."""
    from snnedu.exercises.quiz import format_question, load_bank, review_question

    advice_count = 0
    for file in args.files:
        bank = load_bank(file)  # raises QuizFormatError (file and line) when malformed
        count = len(bank.questions)
        print(
            f"{file}: valid — {count} question{'s' if count != 1 else ''}, "
            f"quiz title {bank.title!r}\n"
        )
        for question in bank.questions:
            print(format_question(question, show_answers=args.answers))
            for advice in review_question(question):
                advice_count += 1
                print(f"  advice (line {question.line}): {advice}")
            print()
    if advice_count:
        print(
            f"{advice_count} piece{'s' if advice_count != 1 else ''} of advice; the file is "
            "valid either way."
        )
    return 0


def _merge(args) -> int:
    """Merge question files into one bank file."""
    from pathlib import Path

    from snnedu.exercises.quiz import merge_banks, parse_bank

    out = Path(args.out)
    if out.exists() and not args.force:
        raise ValueError(f"{out} exists; choose another name or add --force")
    text = merge_banks(args.files, title=args.title)
    out.write_text(text + "\n", encoding="utf-8")
    bank = parse_bank(text, str(out))
    print(f"merged {len(bank.questions)} questions from {len(args.files)} files into {out}")
    return 0


def _export(args) -> int:
    """Write a bank as a QTI zip."""
    from pathlib import Path

    from snnedu.exercises.quiz import export_qti, resolve_bank

    output = args.output or Path.cwd() / f"{resolve_bank(args.bank).stem}.zip"
    path = export_qti(args.bank, output, allow_local_images=args.allow_local_images)
    print(f"wrote {path}: in Canvas, Settings → Import course content → QTI .zip file")
    return 0


def _collect(args) -> int:
    """Regrade results files into one CSV; 1 if a file could not be read."""
    from snnedu.exercises.quiz import collect_results, load_bank, write_grades_csv

    banks = {bank.name: bank for bank in map(load_bank, args.bank)}
    rows, unreadable = [], []
    for path in args.results:  # one damaged file must not stop the class's grades
        try:
            rows.extend(collect_results([path], banks=banks, mode=args.mode))
        except ValueError as error:
            unreadable.append(str(error))
    write_grades_csv(rows, args.output)
    flagged = [row for row in rows if row["check"] != "regraded"]
    print(f"wrote {args.output}: {len(rows)} results")
    for row in flagged:
        print(f"  note: {row['file']}: {row['check']}", file=sys.stderr)
    for reason in unreadable:
        print(f"  not graded: {reason}", file=sys.stderr)
    return 1 if unreadable else 0
