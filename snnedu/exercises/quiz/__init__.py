"""Quiz banks: load a text2qti bank, grade answers, keep score, record and collect results.

A bank is a plain-text file in the format of text2qti (https://github.com/gpoore/text2qti),
the format instructors already use to post quizzes on Canvas. It is parsed by text2qti itself
(never by a second parser here) and turned into a small model: a :class:`Bank` of
:class:`Question` s. The kinds text2qti knows are all kept:

- ``multiple_choice`` / ``true_false`` — one right choice (``*a)`` marks it);
- ``multiple_answers`` — ``[*]`` right, ``[ ]`` wrong; all or nothing;
- ``numerical`` — ``= 58.1 +- 0.5``, ``= [57, 59]`` or an exact integer ``= 5``;
- ``short_answer`` — ``* answer`` lines, compared ignoring case and extra spaces;
- ``essay`` and ``file_upload`` — shown and recorded, never auto-graded.

Feedback follows text2qti's meaning: ``...`` right after the question is general feedback,
``...`` after a choice is that choice's feedback, ``+`` is shown on a right answer, ``-`` on a
wrong one.

Quiz text is untrusted (students write questions): it is never executed (text2qti's
executable code blocks stay disabled), images may only be web addresses (text2qti would
otherwise read any local file named in ``![](path)`` into an exported zip), and a malformed
bank raises :class:`QuizFormatError` (a ``ValueError``) naming the file and the line.
Renderers must escape the text they show (see :mod:`snnedu.widgets.quiz`); the QTI export
escapes any HTML a bank holds beyond what Markdown writes.

The package, by responsibility:

- :mod:`~snnedu.exercises.quiz.bank` — the model and parsing (:func:`parse_bank`,
  :func:`load_bank`, which banks are for assessment);
- :mod:`~snnedu.exercises.quiz.grading` — :func:`grade` and typed responses;
- :mod:`~snnedu.exercises.quiz.preview` — plain-text previews, advice, checking a student's
  own question;
- :mod:`~snnedu.exercises.quiz.session` — :class:`QuizSession` (practice or assessment) and
  the results file it saves;
- :mod:`~snnedu.exercises.quiz.results` — reading results files and regrading them against the
  instructor's bank (:func:`collect_results`);
- :mod:`~snnedu.exercises.quiz.export` — merging question files and the QTI export;
- :mod:`~snnedu.exercises.quiz.terminal` — a quiz in the terminal.

>>> bank = parse_bank('''Quiz title: Demo
...
... 1.  What is 6 × 7?
... =   42
... ''')
>>> bank.title, len(bank.questions), bank.questions[0].kind
('Demo', 1, 'numerical')
>>> grade(bank.questions[0], "42").correct
True
"""

from snnedu.course import ASSESSMENT_MARKER, is_assessment_bank
from snnedu.exercises.quiz.bank import (
    GRADED_KINDS,
    UNGRADED_KINDS,
    Bank,
    Choice,
    Question,
    QuizFormatError,
    assessment_folder,
    list_banks,
    load_bank,
    parse_bank,
    quiz_folder,
    quiz_folders,
    resolve_bank,
)
from snnedu.exercises.quiz.export import export_qti, merge_banks
from snnedu.exercises.quiz.grading import (
    REVEAL_AFTER,
    Grade,
    answer_unit,
    correct_response,
    describe_answer,
    describe_response,
    grade,
    number_placeholder,
    parse_number,
    parse_response,
)
from snnedu.exercises.quiz.preview import (
    QuestionCheck,
    check_question,
    format_question,
    printable,
    review_question,
    save_question,
)
from snnedu.exercises.quiz.results import (
    GRADE_COLUMNS,
    Regrade,
    collect_results,
    load_results,
    regrade,
    write_grades_csv,
)
from snnedu.exercises.quiz.session import (
    MODES,
    RESULTS_FORMAT,
    RESULTS_VERSION,
    Attempt,
    QuizSession,
    counted_attempts,
    select_questions,
)

__all__ = [
    "ASSESSMENT_MARKER",
    "GRADED_KINDS",
    "GRADE_COLUMNS",
    "MODES",
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "REVEAL_AFTER",
    "UNGRADED_KINDS",
    "Attempt",
    "Bank",
    "Choice",
    "Grade",
    "Question",
    "QuestionCheck",
    "QuizFormatError",
    "QuizSession",
    "Regrade",
    "answer_unit",
    "assessment_folder",
    "check_question",
    "collect_results",
    "correct_response",
    "counted_attempts",
    "describe_answer",
    "describe_response",
    "export_qti",
    "format_question",
    "grade",
    "is_assessment_bank",
    "list_banks",
    "load_bank",
    "load_results",
    "merge_banks",
    "number_placeholder",
    "parse_bank",
    "parse_number",
    "parse_response",
    "printable",
    "quiz_folder",
    "quiz_folders",
    "regrade",
    "resolve_bank",
    "review_question",
    "save_question",
    "select_questions",
    "write_grades_csv",
]
