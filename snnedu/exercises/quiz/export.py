"""Merging students' question files into one bank, and exporting a bank as QTI (Canvas).

text2qti turns a bank's Markdown into HTML and passes any HTML written in the bank through
as it is; Canvas then shows it as part of the page. Quiz text is untrusted (a merged bank
holds students' questions), so the export runs every piece of HTML through an allow-list
sanitiser (:func:`safe_html`, built on ``bleach``): the markup Markdown writes (paragraphs,
emphasis, code, lists, tables, links, web images, text2qti's equation images) is kept, any
other tag is shown escaped, as text, and attributes outside the list (``onerror=…``,
``style``) are dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from snnedu.exercises.quiz.bank import QuizFormatError, _text2qti_quiz, resolve_bank


def merge_banks(
    paths: Sequence[str | Path], title: str = "Merged questions", description: str = ""
) -> str:
    """Merge the questions of the files in ``paths`` (students' questions) into one bank.

    Each file is first checked on its own (an error names the file and line); its own quiz
    title, description and options are dropped; the merged text is checked again, and a
    question that two files share is reported with both places.

    Parameters
    ----------
    paths : sequence of str or Path
        The question files, in the order their questions are wanted.
    title, description : str
        The merged bank's quiz title and description.

    Returns
    -------
    str
        The merged bank's text, each file's questions under a ``% from <file>`` comment.

    Raises
    ------
    ValueError
        If ``paths`` is empty.
    QuizFormatError
        If a file, or the merged bank, is not a valid bank (the file and line are named).
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
    """Collapse ``text`` to one line (for header fields)."""
    return " ".join(str(text).split())


def export_qti(
    bank: str | Path, destination: str | Path | None = None, *, allow_local_images: bool = False
) -> Path:
    """Write ``bank`` as a QTI zip with text2qti, for Canvas.

    Canvas imports it under Settings → Import course content → QTI .zip file. Every piece of
    HTML in the export is passed through :func:`safe_html`.

    Parameters
    ----------
    bank : str or Path
        A course bank's name or the path of a bank file.
    destination : str or Path, optional
        The zip to write (its folder is created); default: beside the bank, ``<bank>.zip``.
    allow_local_images : bool
        Embed images the bank names by a local path, relative to the bank's folder (only for
        banks you trust).

    Returns
    -------
    Path
        The zip written.

    Raises
    ------
    FileNotFoundError
        If the bank is not found.
    QuizFormatError
        If text2qti rejects the bank.
    """
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
    qti = QTI(quiz)
    qti.assessment = _sanitise_xml(qti.assessment, _MATTEXT_HTML)
    qti.assessment_meta = _sanitise_xml(qti.assessment_meta, _DESCRIPTION)
    destination.parent.mkdir(parents=True, exist_ok=True)
    qti.save(destination)
    return destination


SAFE_TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img li ol p pre "
    "span strong sub sup table tbody td tfoot th thead tr ul".split()
)
"""The tags Python-Markdown and the extensions text2qti enables write, and no more."""
SAFE_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "class", "data-equation-content", "data-ignore-a11y-check"],
    "code": ["class"],
    "td": ["align"],
    "th": ["align"],
    "ol": ["start"],
}
"""The attributes kept on each safe tag; any other attribute is dropped."""
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
"""The only link and image address schemes kept."""

_MATTEXT_HTML = re.compile(r'(<mattext texttype="text/html">)(.*?)(</mattext>)', re.S)
_DESCRIPTION = re.compile(r"(<description>)(.*?)(</description>)", re.S)


def safe_html(text: str) -> str:
    """Sanitise HTML: only the allow-listed tags and attributes stay live.

    Any other tag is escaped so that it shows as text, comments are removed, and links and
    images keep web (and ``mailto:``) addresses only (:data:`SAFE_TAGS`,
    :data:`SAFE_ATTRIBUTES`, :data:`SAFE_PROTOCOLS`).

    >>> safe_html('<p>Is <script>alert(1)</script> <em>safe</em>?</p>')
    '<p>Is &lt;script&gt;alert(1)&lt;/script&gt; <em>safe</em>?</p>'
    >>> safe_html('<img src="x" onerror="alert(1)">')
    '<img src="x">'
    """
    import bleach

    return bleach.clean(
        text,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        protocols=SAFE_PROTOCOLS,
        strip=False,
        strip_comments=True,
    )


def _sanitise_xml(xml: str, pattern: re.Pattern) -> str:
    """Sanitise the XML-escaped HTML held by the elements ``pattern`` finds in ``xml``."""
    from xml.sax.saxutils import escape, unescape

    def clean(match: re.Match) -> str:
        """Sanitise one element's content."""
        html_text = unescape(match[2], {"&quot;": '"', "&apos;": "'"})
        return match[1] + escape(safe_html(html_text)) + match[3]

    return pattern.sub(clean, xml)
