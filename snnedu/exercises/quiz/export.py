"""Merging students' question files into one bank, and exporting a bank as QTI (Canvas)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from snnedu.exercises.quiz.bank import QuizFormatError, _text2qti_quiz, resolve_bank


def merge_banks(
    paths: Sequence[str | Path], title: str = "Merged questions", description: str = ""
) -> str:
    """One bank's text with every question of the files in ``paths`` (students' questions).

    Each file is first checked on its own (an error names the file and line); its own quiz
    title, description and options are dropped; the merged text is checked again, and a
    question that two files share is reported with both places.
    """
    if not paths:
        raise ValueError("no files to merge; give one or more question files")
    header = [f"Quiz title: {_one_line(title)}"]
    if description:
        header.append(f"Quiz description: {_one_line(description)}")
    lines = [*header, ""]
    origin: list[tuple[str, int]] = [("(merged header)", 0)] * len(lines)
    for path in paths:
        path = Path(path)
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        quiz = _text2qti_quiz(text, str(path), allow_local_images=False)
        first = quiz.questions_and_delims[0].linenum_start
        body = text.split("\n")[first - 1 :]
        while body and not body[-1].strip():
            body.pop()
        lines.append(f"% from {_one_line(path.name)}")
        origin.append((str(path), 0))
        lines.extend(body)
        origin.extend((str(path), first + i) for i in range(len(body)))
        lines.append("")
        origin.append((str(path), 0))
    merged = "\n".join(lines)
    try:
        _text2qti_quiz(merged, "<merged>", allow_local_images=False)
    except QuizFormatError as error:
        source, line = origin[error.line - 1] if 0 < error.line <= len(origin) else ("", 0)
        reason = error.reason
        if reason.startswith("Duplicate question"):
            reason += " (the same question is in two files; keep one)"
        raise QuizFormatError(source or "<merged>", line, reason) from None
    return merged


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def export_qti(
    bank: str | Path, destination: str | Path | None = None, *, allow_local_images: bool = False
) -> Path:
    """Write ``bank`` as a QTI zip (what Canvas imports: Settings → Import course content →
    QTI .zip file) with text2qti, and return the zip's path (default: beside the bank)."""
    from text2qti.qti import QTI

    path = resolve_bank(bank).resolve()
    text = path.read_text(encoding="utf-8-sig")
    destination = (
        Path(destination).resolve() if destination is not None else path.with_suffix(".zip")
    )
    if allow_local_images:
        # text2qti reads image paths relative to the working folder: use the bank's, as its
        # own command line does.
        previous = os.getcwd()
        os.chdir(path.parent)
        try:
            quiz = _text2qti_quiz(text, str(path), allow_local_images=True)
        finally:
            os.chdir(previous)
    else:
        quiz = _text2qti_quiz(text, str(path), allow_local_images=False)
    destination.parent.mkdir(parents=True, exist_ok=True)
    QTI(quiz).save(destination)
    return destination
