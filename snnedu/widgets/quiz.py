"""A quiz bank as ipywidgets: the quiz cell that ends every notebook.

>>> from snnedu.widgets.quiz import quiz_panel      # doctest: +SKIP
>>> quiz_panel("nb02_hodgkin_huxley")               # doctest: +SKIP

:func:`question_editor` is the live editor of notebook 09 ("make your own quiz question").

Answers are checked in the Python kernel (never in browser-side JavaScript), so every attempt
is recorded in a :class:`~snnedu.exercises.quiz.QuizSession`; *Finish* shows a summary and
saves the results file a student can hand in (``snnedu quiz collect`` gathers them).

Two modes: ``"practice"`` (feedback at once, retries allowed, each question scores on its
first try, running score; a wrong answer's worked feedback waits for the third try or for *Show
answer*) and ``"assessment"`` (answers recorded silently and changeable until *Finish*; then
the score, the right answers and the feedback). A bank marked for assessment opens in
assessment mode unless another mode is asked for. ``shuffle=True`` shuffles the
questions and their choices with ``np.random.default_rng(seed)``.

Quiz text is untrusted: every piece of it is HTML-escaped before display (a question holding
``<script>`` shows those characters); choice labels are plain-text widget labels. Only
`` `code` `` and ``**bold**`` are formatted after escaping; ``$…$`` is shown as typed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np

from snnedu.exercises.quiz import (
    Bank,
    Grade,
    QuizSession,
    check_question,
    describe_answer,
    describe_response,
    grade,
    load_bank,
    number_placeholder,
    parse_response,
    save_question,
)

# Feedback colours: right, wrong, and neutral (notes, recorded answers).
RIGHT = "#1a7f37"
WRONG = "#b42318"
NEUTRAL = "#57606a"


def quiz_panel(
    bank: str | Path | Bank,
    *,
    mode: str | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    student: str = "",
    results_file: str | Path | None = None,
) -> QuizWidget:
    """Build the quiz widget for ``bank``; leave it last in a cell to show it.

    Parameters
    ----------
    bank : str, Path or Bank
        A course bank's name (``"nb02_hodgkin_huxley"``), the path of a bank file, or a
        parsed :class:`~snnedu.exercises.quiz.Bank`.
    mode : {"practice", "assessment"}, optional
        Default: "assessment" for a bank marked for assessment, otherwise "practice".
    shuffle : bool
        Shuffle questions and choices with ``np.random.default_rng(seed)``.
    seed : int, optional
        Seed for the shuffle (same seed, same order).
    student : str
        Pre-filled name for the results file.
    results_file : str or Path, optional
        Where *Finish* saves the results (default ``quiz_results_<bank>_<name>.json`` in the
        notebook's folder).

    Returns
    -------
    QuizWidget
        The widget; its ``session`` holds every attempt.

    Raises
    ------
    FileNotFoundError
        If no such bank exists.
    QuizFormatError
        If the bank is malformed (file and line named).
    ValueError
        If ``mode`` is not "practice" or "assessment".
    """
    if not isinstance(bank, Bank):
        bank = load_bank(bank)
    rng = np.random.default_rng(seed) if shuffle else None
    session = QuizSession(bank, mode=mode, shuffle=shuffle, rng=rng, student=student)
    return QuizWidget(session, results_file=results_file)


class QuestionView(widgets.VBox):
    """One question: its text, an input, a *Submit* button and the feedback area.

    Parameters
    ----------
    quiz : QuizWidget
        The quiz it belongs to (its session grades and records the answers).
    position : int
        The question's place in the session's questions (0-based).
    """

    def __init__(self, quiz: QuizWidget, position: int):
        self.quiz = quiz
        self.position = position
        session = quiz.session
        self.question = question = session.questions[position]
        self.order = session.choice_orders[position]
        points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
        title = f": {escape(question.title)}" if question.title else ""
        heading = widgets.HTML(
            f"<b>Question {position + 1} of {len(session.questions)}{title}</b> "
            f'<span style="color:{NEUTRAL}">({points}'
            f"{'' if question.graded else ', not auto-graded'})</span>"
            f'<div style="margin:4px 0 6px 0">{format_html(question.text)}</div>'
        )
        block, self.input = self._make_input()
        self.submit_button = widgets.Button(
            description="Submit", button_style="primary", layout=widgets.Layout(width="120px")
        )
        self.submit_button.on_click(lambda _: self.submit())
        self.answer_button = widgets.Button(
            description="Show answer",
            disabled=True,
            tooltip="the right answer and how to work it out (after your first try)",
            layout=widgets.Layout(width="120px"),
        )
        self.answer_button.on_click(lambda _: self.show_answer())
        self.feedback = widgets.HTML()
        parts: list[widgets.Widget] = [heading]
        if self.input is not None:
            buttons = [self.submit_button]
            if session.mode == "practice" and question.graded:
                buttons.append(self.answer_button)
            parts += [block, widgets.HBox(buttons)]
        else:
            parts.append(
                widgets.HTML(
                    f'<i style="color:{NEUTRAL}">Hand in the file as your '
                    "course asks; nothing to type here.</i>"
                )
            )
        parts.append(self.feedback)
        super().__init__(
            parts, layout=widgets.Layout(border="1px solid #d0d7de", padding="8px", margin="6px 0")
        )

    def _make_input(self) -> tuple[widgets.Widget | None, widgets.Widget | None]:
        """Make the input: (what is shown, the widget holding the answer); None for uploads.

        Choice texts are escaped HTML that wraps; the choosing widgets carry only letters, so
        long choices never overflow.
        """
        q = self.question
        letters = [chr(ord("a") + p) for p in range(len(self.order))]
        if q.kind == "true_false":
            buttons = widgets.ToggleButtons(
                options=[(_label(q.choices[i].text), i) for i in self.order], value=None
            )
            return buttons, buttons
        if q.kind == "multiple_choice":
            buttons = widgets.ToggleButtons(
                options=list(zip(letters, self.order, strict=True)),
                value=None,
                description="Your answer",
                style={"button_width": "44px", "description_width": "initial"},
            )
            return widgets.VBox([self._choice_list(letters), buttons]), buttons
        if q.kind == "multiple_answers":
            self.checkboxes = [
                widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="28px"))
                for _ in self.order
            ]
            rows = [
                widgets.HBox([box, widgets.HTML(_choice_html(letter, q.choices[i].text))])
                for box, letter, i in zip(self.checkboxes, letters, self.order, strict=True)
            ]
            hint = widgets.HTML(f'<i style="color:{NEUTRAL}">Tick every right choice.</i>')
            box = widgets.VBox([*rows, hint])
            return box, box
        if q.kind == "numerical":
            text = widgets.Text(
                placeholder=number_placeholder(q), layout=widgets.Layout(width="240px")
            )
            return text, text
        if q.kind == "short_answer":
            text = widgets.Text(
                placeholder="a word or short phrase", layout=widgets.Layout(width="60%")
            )
            return text, text
        if q.kind == "essay":
            area = widgets.Textarea(
                placeholder="your answer", layout=widgets.Layout(width="95%", height="90px")
            )
            return area, area
        return None, None

    def _choice_list(self, letters: list[str]) -> widgets.HTML:
        """Show the choices, lettered in the shown order."""
        choices = self.question.choices
        return widgets.HTML(
            "".join(
                _choice_html(letter, choices[i].text)
                for letter, i in zip(letters, self.order, strict=True)
            )
        )

    def response(self) -> Any:
        """Read the response currently entered, as :func:`~snnedu.exercises.quiz.grade` takes it.

        Raises
        ------
        ValueError
            With a message for the student if nothing (or no valid answer) is entered.
        """
        q = self.question
        if q.kind in ("multiple_choice", "true_false"):
            if self.input.value is None:
                raise ValueError("choose one of the options first")
            return self.input.value
        if q.kind == "multiple_answers":
            picked = tuple(
                sorted(i for i, box in zip(self.order, self.checkboxes, strict=True) if box.value)
            )
            if not picked:
                raise ValueError("tick at least one option first")
            return picked
        text = self.input.value
        if q.kind == "essay":
            if not text.strip():
                raise ValueError("write your answer first")
            return text
        return parse_response(q, text)

    def submit(self) -> Grade | None:
        """Check the entered answer in the kernel, record it and show the verdict.

        Returns
        -------
        Grade or None
            The verdict, or None if the input was not an answer (the feedback area says why).
        """
        try:
            response = self.response()
            result = self.quiz.session.submit(self.position, response)
        except ValueError as error:
            self.feedback.value = _box(str(error).capitalize() + ".", NEUTRAL)
            return None
        attempts = sum(1 for a in self.quiz.session.attempts if a.question == self.question.number)
        if self.quiz.session.mode == "assessment":
            self.feedback.value = _box(
                "Answer recorded. You can change it until you press Finish; feedback comes then.",
                NEUTRAL,
            )
        else:
            note = (
                ""
                if attempts == 1 or result.correct is None
                else ("\n\n(Only your first try counts for the score.)")
            )
            self.show(result, note)
            self.answer_button.disabled = result.correct is not False
        self.quiz.refresh_score()
        return result

    def show_answer(self) -> str | None:
        """Show the right answer and the worked feedback (practice, after a first try).

        Returns
        -------
        str or None
            The text shown, or None while it is not yet available (the feedback area says
            why).
        """
        try:
            text = self.quiz.session.solution(self.position)
        except ValueError as error:
            self.feedback.value = _box(str(error).capitalize() + ".", NEUTRAL)
            return None
        self.feedback.value = _box(text, NEUTRAL)
        self.answer_button.disabled = True
        return text

    def show(self, result: Grade, note: str = "") -> None:
        """Show a verdict and its feedback."""
        colour = {True: RIGHT, False: WRONG, None: NEUTRAL}[result.correct]
        self.feedback.value = _box(result.feedback + note, colour)

    def lock(self) -> None:
        """Disable the input and the buttons (after *Finish*)."""
        self.submit_button.disabled = True
        self.answer_button.disabled = True
        inputs = [self.input] if self.input is not None else []
        for child in inputs + getattr(self, "checkboxes", []):
            if child.has_trait("disabled"):
                child.disabled = True


class QuizWidget(widgets.VBox):
    """The quiz: a header, one :class:`QuestionView` per question, the score, *Finish*.

    Parameters
    ----------
    session : QuizSession
        The session that grades and records the answers.
    results_file : str or Path, optional
        Where *Finish* saves the results (default: :meth:`QuizSession.save`'s name).
    """

    def __init__(self, session: QuizSession, results_file: str | Path | None = None):
        self.session = session
        self.results_file = results_file
        self.saved_to: Path | None = None
        bank = session.bank
        mode_text = (
            "practice: feedback after each answer; your first try counts"
            if session.mode == "practice"
            else "assessment: answers are recorded; feedback and score when you finish"
        )
        description = (
            f'<div style="margin:4px 0">{format_html(bank.description)}</div>'
            if bank.description
            else ""
        )
        self.header = widgets.HTML(
            f'<h3 style="margin:0">Quiz: {escape(bank.title)}</h3>{description}'
            f'<div style="color:{NEUTRAL}">{escape(mode_text)}</div>'
        )
        self.student = widgets.Text(
            value=session.student,
            description="Your name",
            placeholder="for the results file",
            style={"description_width": "initial"},
        )
        self.views = [QuestionView(self, p) for p in range(len(session.questions))]
        self.score = widgets.HTML()
        self.finish_button = widgets.Button(
            description="Finish",
            button_style="success",
            tooltip="show the summary and save your results",
        )
        self.finish_button.on_click(lambda _: self.finish())
        self.summary = widgets.HTML()
        super().__init__(
            [self.header, self.student, *self.views, self.score, self.finish_button, self.summary]
        )
        self.refresh_score()

    def refresh_score(self) -> None:
        """Update the running score line."""
        s = self.session
        answered = f"answered {s.answered} of {len(s.questions)}"
        if s.mode == "practice" or s.finished is not None:
            text = f"Score: {s.score:g} / {s.possible:g} · {answered}"
        else:
            text = answered.capitalize()
        self.score.value = f"<b>{escape(text)}</b>"

    def finish(self) -> Path:
        """End the quiz: lock the inputs, show feedback and a summary, save the results.

        Returns
        -------
        Path
            The results file written.
        """
        s = self.session
        s.student = self.student.value.strip()
        s.finish()
        counted = s.counted()
        for view in self.views:
            view.lock()
            attempt = counted.get(view.question.number)
            if s.mode == "assessment" and attempt is not None:
                view.show(grade(view.question, _stored(view.question, attempt.response)))
        self.finish_button.disabled = True
        self.student.disabled = True
        self.refresh_score()
        self.saved_to = s.save(self.results_file)
        self.summary.value = self._summary_html() + (
            f'<p style="color:{NEUTRAL}">Results saved to <code>{escape(str(self.saved_to))}'
            "</code>: hand this file in if your course asks for it.</p>"
        )
        return self.saved_to

    def _summary_html(self) -> str:
        """Tabulate each question: the answer given, the verdict and the right answer."""
        s = self.session
        counted = s.counted()
        rows = []
        for position, question in enumerate(s.questions):
            attempt = counted.get(question.number)
            if attempt is None:
                verdict, colour, given = "not answered", NEUTRAL, ""
            else:
                verdict, colour = {
                    True: ("right", RIGHT),
                    False: ("wrong", WRONG),
                    None: ("recorded", NEUTRAL),
                }[attempt.correct]
                given = describe_response(question, _stored(question, attempt.response))
            name = question.title or _short(question.text)
            rows.append(
                f"<tr><td>{position + 1}</td><td>{escape(name)}</td>"
                f"<td>{escape(given)}</td>"
                f'<td style="color:{colour};font-weight:600">{verdict}</td>'
                f"<td>{escape(describe_answer(question))}</td></tr>"
            )
        percent = f" ({100 * s.score / s.possible:.0f} %)" if s.possible else ""
        return (
            f"<h4>Summary: {s.score:g} / {s.possible:g}{percent}</h4>"
            '<table style="border-collapse:collapse"><tr><th>#</th><th>question</th>'
            "<th>your answer</th><th></th><th>right answer</th></tr>" + "".join(rows) + "</table>"
        )


class QuestionEditor(widgets.VBox):
    """Write a question, see it checked and previewed as you type, try it, save it.

    ``editor.text.value`` holds the question; ``editor.check`` the latest
    :class:`~snnedu.exercises.quiz.QuestionCheck`; *Save* writes ``editor.path.value``.

    Parameters
    ----------
    text : str
        The text to start from, in text2qti's format.
    path : str or Path
        The file *Save* writes (editable in the widget).
    """

    def __init__(self, text: str = "", path: str | Path = "my_question.txt"):
        self.text = widgets.Textarea(
            value=text,
            continuous_update=False,
            layout=widgets.Layout(width="98%", height="260px"),
        )
        self.preview = widgets.HTML()
        self.path = widgets.Text(
            value=str(path), description="File", style={"description_width": "initial"}
        )
        self.save_button = widgets.Button(description="Save", button_style="primary")
        self.save_button.on_click(lambda _: self.save())
        self.status = widgets.HTML()
        self.trial = widgets.VBox()
        self.text.observe(lambda _: self.refresh(), names="value")
        super().__init__(
            [
                widgets.HTML("<b>Your question</b> (text2qti format)"),
                self.text,
                widgets.HTML("<b>Check and preview</b>"),
                self.preview,
                widgets.HBox([self.path, self.save_button]),
                self.status,
                widgets.HTML("<b>Try it</b>"),
                self.trial,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        """Check the current text and update the preview and the trial quiz."""
        self.check = check_question(self.text.value)
        self.preview.value = self.check._repr_html_()
        self.trial.children = [QuizWidget(QuizSession(self.check.bank))] if self.check else []

    def save(self) -> Path | None:
        """Save the question if it is valid (an existing file is replaced).

        Returns
        -------
        Path or None
            The file written, or None if the text is invalid or the file cannot be written
            (the status line says why).
        """
        try:
            saved = save_question(self.text.value, self.path.value, overwrite=True)
        except (ValueError, OSError) as error:
            self.status.value = f'<span style="color:{WRONG}">Not saved: {escape(error)}</span>'
            return None
        self.status.value = f'<span style="color:{RIGHT}">Saved to {escape(saved)}</span>'
        return saved


def question_editor(text: str = "", path: str | Path = "my_question.txt") -> QuestionEditor:
    """Open a live editor for your own quiz question (notebook 09).

    See :class:`QuestionEditor` for ``text`` and ``path``.
    """
    return QuestionEditor(text, path)


def escape(text: str) -> str:
    """HTML-escape quiz text (quotes included)."""
    return html.escape(str(text), quote=True)


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def format_html(text: str) -> str:
    """Render quiz text (Markdown as written) as safe HTML.

    Everything is escaped first; then only inline code, bold and paragraph breaks are
    formatted.

    >>> format_html("Is <script>x</script> **bold**?")
    'Is &lt;script&gt;x&lt;/script&gt; <b>bold</b>?'
    """
    escaped = escape(text.strip())
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    paragraphs = [p.replace("\n", " ") for p in re.split(r"\n\s*\n", escaped) if p.strip()]
    if len(paragraphs) <= 1:
        return paragraphs[0] if paragraphs else ""
    return "".join(f'<p style="margin:0 0 4px 0">{p}</p>' for p in paragraphs)


def _box(text: str, colour: str) -> str:
    """Frame feedback ``text`` in ``colour``."""
    return (
        f'<div style="border-left:4px solid {colour};padding:2px 8px;margin-top:4px">'
        f'<span style="color:{colour}">{format_html(text)}</span></div>'
    )


def _choice_html(letter: str, text: str) -> str:
    """Render one choice with its letter."""
    return f'<div style="margin:2px 0"><b>{letter})</b> {format_html(text)}</div>'


def _label(text: str) -> str:
    """Make a plain-text widget label: drop Markdown's backticks and stars, keep one line."""
    return " ".join(text.replace("`", "").replace("**", "").split())


def _short(text: str, width: int = 60) -> str:
    """Cut ``text`` to one line of at most ``width`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _stored(question, response):
    """Turn a stored (JSON) response back into one :func:`grade` takes."""
    return tuple(response) if question.kind == "multiple_answers" else response
