"""Quizzes: banks parsed by text2qti, grading, the notebook widget, the terminal runner,
QTI export, checking and merging students' questions, and results files → CSV."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

from snnedu.cli import main as cli_main
from snnedu.exercises.quiz import (
    Bank,
    QuizFormatError,
    QuizSession,
    collect_results,
    correct_response,
    export_qti,
    grade,
    list_banks,
    load_bank,
    load_results,
    merge_banks,
    parse_bank,
    parse_number,
    parse_response,
    review_question,
    write_grades_csv,
)
from snnedu.exercises.quiz_terminal import run_terminal_quiz

LECTURE_BANKS = ["L4_cnn_rnn", "L5_hardware", "L6_plasticity_stdp", "L7_spiking_networks"]
NOTEBOOK_BANKS = [
    "nb01_membrane",
    "nb02_hodgkin_huxley",
    "nb03_integrate_and_fire",
    "nb04_poisson_and_coding",
    "nb05_lateral_inhibition",
    "nb06_stdp_prototypes",
    "nb07_mnist_network",
    "nb08_conv_snn",
    "nb09_make_your_own",
]

GOOD_QUESTION = """\
Quiz title: My question

Title: Potassium
1.  What is E_K in mV at 37 °C for 4 mM K⁺ outside and 130 mM inside?
-   Use E = (RT/zF) ln(out/in) with RT/F = 26.73 mV; the sign is negative.
=   -93.0 +- 0.5
"""

# Line 5 starts a choice without the space text2qti needs after "b)".
BAD_QUESTION = """\
Quiz title: My broken question

1.  Which ion sets the resting potential?
*a) K⁺
b)Na⁺
"""

MIXED_BANK = """\
Quiz title: Mixed

1.  Pick the right one <script>alert("q")</script>
... General feedback.
a)  wrong <script>alert("c")</script>
... Because <script>alert("f")</script> is wrong.
*b) right
c)  also wrong

2.  Tick the right ones.
[*] first
[ ] second
... The second one is wrong because it is.
[*] third

3.  What is 6 × 7?
-   Multiply six by seven.
=   42

4.  Name the rule.
*   STDP
*   spike-timing-dependent plasticity

5.  Explain.
____
"""


def _bank(text: str = MIXED_BANK) -> Bank:
    return parse_bank(text, "mixed.txt")


# --------------------------------------------------------------------------- shipped banks


@pytest.mark.parametrize("name", LECTURE_BANKS + NOTEBOOK_BANKS)
def test_every_shipped_bank_parses_through_text2qti(name):
    from text2qti.config import Config
    from text2qti.quiz import Question, Quiz

    path = Path(load_bank(name).source)
    text = path.read_text(encoding="utf-8")
    bank = load_bank(name)
    quiz = Quiz(text, config=Config(), source_name=str(path))
    assert len(bank.questions) == sum(isinstance(x, Question) for x in quiz.questions_and_delims)
    assert bank.title == quiz.title_raw and bank.title
    minimum, maximum = (12, 99) if name.startswith("L") else (5, 6)
    assert minimum <= len(bank.questions) <= maximum


@pytest.mark.parametrize("name", LECTURE_BANKS + NOTEBOOK_BANKS)
def test_every_shipped_question_has_feedback_for_wrong_answers(name):
    for question in load_bank(name).questions:
        assert question.title, f"{name} question {question.number} has no title"
        advice = [a for a in review_question(question) if "feedback" in a]
        assert not advice, f"{name} question {question.number} (line {question.line}): {advice}"
        if question.graded:
            wrong = grade(question, _a_wrong_response(question))
            assert wrong.correct is False
            assert len(wrong.feedback) > len("Not quite."), (name, question.number)


def test_course_lists_all_shipped_banks():
    assert {p.stem for p in list_banks()} >= set(LECTURE_BANKS + NOTEBOOK_BANKS)


def _physics_answers() -> dict[tuple[str, str], float]:
    """Numerical answers recomputed from the formulas (independent of the banks)."""
    from scipy.constants import R, e, physical_constants

    faraday = physical_constants["Faraday constant"][0]
    rt_f = R * 310.15 / faraday * 1e3  # mV at 37 °C

    def nernst(out, inside, z=1):
        return rt_f / z * math.log(out / inside)

    def t_spike(tau, drive, gap):
        return tau * math.log(drive / (drive - gap))

    return {
        ("L7_spiking_networks", "Nernst potential of potassium"): nernst(4, 130),
        ("L7_spiking_networks", "A divalent ion"): nernst(2, 100e-6, z=2),
        ("L7_spiking_networks", "Time to the first spike of an integrate-and-fire neuron"): t_spike(
            20, 20, 15
        ),
        ("L7_spiking_networks", "Why τ_m = 100 ms"): 255 / 4 * 0.1,
        ("L7_spiking_networks", "Energy per spike"): 1e-6 * 0.1 / e / 1e11,
        ("L7_spiking_networks", "Poisson input"): math.exp(-20 * 0.05),
        ("nb01_membrane", "Sodium's equilibrium potential"): nernst(145, 16.5),
        ("nb01_membrane", "Millivolts per decade"): rt_f * math.log(10),
        ("nb03_integrate_and_fire", "Time to threshold"): t_spike(10, 30, 15),
        ("nb03_integrate_and_fire", "Firing rate with a refractory period"): 1e3
        / (2 + t_spike(10, 30, 15)),
        ("nb04_poisson_and_coding", "Silence"): 1 - math.exp(-5 * 0.2),
        ("nb05_lateral_inhibition", "Uniform field"): 10 / 1.5,
        ("L6_plasticity_stdp", "The STDP window — potentiation"): 0.01 * math.exp(-10 / 20),
        ("L6_plasticity_stdp", "Traces"): math.exp(-15 / 20),
        ("L6_plasticity_stdp", "The power-law rule"): 0.01 * (0.8 - 0.4) * 0.5**0.2,
        ("nb06_stdp_prototypes", "Pair STDP"): 0.01 * math.exp(-5 / 20),
        ("nb06_stdp_prototypes", "Depression branch"): -0.0105 * math.exp(-10 / 20),
        ("L4_cnn_rnn", "Parameters of a locally connected layer"): 24 * 24 * 30 * 25,
        ("L4_cnn_rnn", "Parameters of a recurrent layer"): 10 * 20 + 20 * 20 + 20,
        ("L5_hardware", "Peak throughput of a systolic array"): 2 * 256**2 * 700e6 / 1e12,
        ("L5_hardware", "Matrix–vector product in a crossbar"): 10 * 0.1 + 20 * 0.2 + 5 * 0.3,
        ("L5_hardware", "Event-driven (neuromorphic) power"): 1e6 * 5 * 100 * 20e-12 * 1e3,
    }


def test_numerical_answers_agree_with_an_independent_computation():
    for (name, title), expected in _physics_answers().items():
        question = next(q for q in load_bank(name).questions if q.title == title)
        assert question.kind == "numerical"
        assert question.minimum <= expected <= question.maximum, (name, title, expected)
        # and the tolerance is tight: an answer 5 % off is not accepted
        assert grade(question, expected + 0.05 * abs(expected)).correct is False, (name, title)


# --------------------------------------------------------------------------- parsing, grading


def test_parse_keeps_kinds_answers_and_feedback():
    bank = _bank()
    kinds = [q.kind for q in bank.questions]
    assert kinds == ["multiple_choice", "multiple_answers", "numerical", "short_answer", "essay"]
    mc, ma, num, short, essay = bank.questions
    assert [c.correct for c in mc.choices] == [False, True, False]
    assert [c.correct for c in ma.choices] == [True, False, True]
    assert mc.feedback == "General feedback."
    assert num.minimum == num.maximum == 42
    assert short.answers == ("STDP", "spike-timing-dependent plasticity")
    assert not essay.graded


def test_malformed_bank_error_names_file_and_line():
    with pytest.raises(QuizFormatError) as info:
        parse_bank(BAD_QUESTION, "student.txt")
    assert info.value.line == 5
    assert "student.txt, line 5" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_question_without_answer_names_its_line():
    with pytest.raises(ValueError, match=r"q\.txt, line 3: Question must specify"):
        parse_bank("Quiz title: x\n\n1.  What?\n\n2.  Next?\n*a) y\nb)  n\n", "q.txt")


@pytest.mark.parametrize("ending", ["\n", "", "\n\n\n"])
def test_an_unfinished_last_question_is_located_inside_the_file(tmp_path, capsys, ending):
    text = "Quiz title: X\n\n1.  What is 6 × 7?\n=   42\n\n2.  Which one?\na)  this\nb)  that"
    path = tmp_path / "last.txt"
    path.write_text(text + ending, encoding="utf-8")
    assert cli_main(["quiz", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 6: Question must specify a correct choice" in err
    no_choice = "1.  What is 6 × 7?\n=   42\n\n2.  Which one?" + ending
    with pytest.raises(QuizFormatError) as error:
        parse_bank(no_choice, "q.txt")
    assert error.value.line == 4 <= len(no_choice.splitlines())


def test_code_blocks_in_quiz_text_are_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = (
        f"Quiz title: x\n\n```{{.python .run}}\nopen({str(marker)!r}, 'w').write('x')\n```\n\n"
        "1.  Q?\n*a) y\nb)  n\n"
    )
    with pytest.raises(QuizFormatError, match="line 3"):
        parse_bank(text, "code.txt")
    assert not marker.exists()


def test_local_images_are_refused_but_web_images_allowed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not export me")
    local = f"Quiz title: x\n\n1.  Look ![x]({secret})\n*a) y\nb)  n\n"
    with pytest.raises(QuizFormatError, match="line 3: images must be web addresses"):
        parse_bank(local, "img.txt")
    web = "Quiz title: x\n\n1.  Look ![x](https://example.org/a.png)\n*a) y\nb)  n\n"
    assert parse_bank(web).questions[0].kind == "multiple_choice"


def test_grading_each_kind_right_and_wrong():
    mc, ma, num, short, essay = _bank().questions
    assert grade(mc, 1).correct and grade(mc, 1).points == 1
    wrong = grade(mc, 0)
    assert wrong.correct is False and wrong.points == 0
    assert 'Because <script>alert("f")</script> is wrong.' in wrong.feedback
    assert grade(ma, (0, 2)).correct
    partial = grade(ma, (0, 1))
    assert partial.correct is False and "second one is wrong" in partial.feedback
    assert "1 right choice missing" in grade(ma, (0,)).feedback
    assert grade(num, "42").correct and grade(num, 42.0).correct
    too_low = grade(num, "41")
    assert not too_low.correct and "too low" in too_low.feedback
    assert "Multiply six by seven." in too_low.feedback
    assert grade(short, "  Spike-Timing-Dependent   plasticity ").correct
    assert not grade(short, "Hebb").correct
    assert grade(essay, "anything").correct is None


def test_numerical_tolerance_is_inclusive_and_rejects_outside():
    question = parse_bank("1.  x?\n=   -93.0 +- 0.5\n").questions[0]
    assert grade(question, -93.5).correct and grade(question, -92.5).correct
    assert not grade(question, -93.51).correct and not grade(question, 93.0).correct


def test_typed_responses_are_parsed_as_the_student_means_them():
    mc, ma, num, short, _ = _bank().questions
    assert parse_response(mc, "B") == 1
    assert parse_response(mc, "a", order=[2, 0, 1]) == 2
    assert parse_response(ma, "a, c") == (0, 2)
    assert parse_number("−93,5 mV") == -93.5
    for bad_question, typed in ((mc, "d"), (mc, "a b"), (num, "forty"), (short, "  ")):
        with pytest.raises(ValueError):
            parse_response(bad_question, typed)


# --------------------------------------------------------------------------- sessions


def test_practice_scores_first_attempt_assessment_scores_last():
    practice = QuizSession(_bank(), mode="practice")
    practice.submit(0, 0)
    practice.submit(0, 1)
    assert practice.score == 0
    assessment = QuizSession(_bank(), mode="assessment")
    assessment.submit(0, 0)
    assessment.submit(0, 1)
    assert assessment.score == 1
    assessment.finish()
    with pytest.raises(ValueError, match="finished"):
        assessment.submit(0, 1)


def test_shuffle_is_reproducible_with_a_seed_and_still_grades_right():
    bank = load_bank("L7_spiking_networks")

    def order(seed):
        s = QuizSession(bank, shuffle=True, rng=np.random.default_rng(seed))
        return [q.number for q in s.questions], s.choice_orders

    assert order(1) == order(1)
    assert order(1) != order(2)
    session = QuizSession(bank, shuffle=True, rng=np.random.default_rng(3))
    for position, question in enumerate(session.questions):
        session.submit(position, correct_response(question))
    assert session.score == session.possible


# --------------------------------------------------------------------------- widget


def _views_by_kind(panel):
    return {view.question.kind: view for view in panel.views}


def test_widget_right_answer_scores_and_wrong_answer_shows_its_feedback():
    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel(_bank())
    views = _views_by_kind(panel)
    mc = views["multiple_choice"]
    mc.input.value = 0  # a wrong choice
    mc.submit_button.click()
    assert "Because &lt;script&gt;" in mc.feedback.value and "#b42318" in mc.feedback.value
    assert panel.session.score == 0
    mc.input.value = 1
    mc.submit_button.click()
    assert "Correct." in mc.feedback.value and "first try counts" in mc.feedback.value
    num = views["numerical"]
    num.input.value = "42"
    num.submit_button.click()
    ma = views["multiple_answers"]
    ma.checkboxes[0].value = ma.checkboxes[2].value = True
    ma.submit_button.click()
    assert panel.session.score == 2
    assert "Score: 2 / 4" in panel.score.value


def test_numerical_input_placeholder_is_never_a_number_and_names_the_unit():
    from snnedu.widgets.quiz import quiz_panel

    placeholders = {}
    for path in list_banks():
        panel = quiz_panel(path)
        for view in panel.views:
            if view.question.kind == "numerical":
                placeholders[(path.stem, view.question.number)] = view.input.placeholder
    assert len(placeholders) > 20
    assert not [p for p in placeholders.values() if any(c.isdigit() for c in p)]
    assert placeholders[("nb01_membrane", 1)] == "a number, in mV"
    assert placeholders[("nb03_integrate_and_fire", 2)] == "a number, in Hz"
    assert placeholders[("nb02_hodgkin_huxley", 1)] == "a number"


def test_widget_wrong_number_holds_the_worked_answer_back_until_asked():
    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel(_bank())
    num = _views_by_kind(panel)["numerical"]
    assert num.answer_button.disabled  # nothing to show before a first try
    num.input.value = "41"
    num.submit_button.click()
    assert "Not quite." in num.feedback.value and "Multiply" not in num.feedback.value
    assert "too low" not in num.feedback.value and not num.answer_button.disabled
    num.input.value = "40"
    num.submit_button.click()
    assert "too low" in num.feedback.value and "Multiply" not in num.feedback.value
    num.answer_button.click()
    assert "Answer: 42" in num.feedback.value and "Multiply six by seven." in num.feedback.value
    num.input.value = "42"
    num.submit_button.click()
    assert panel.session.score == 0  # the first try is what counts


def test_widget_reports_unreadable_input_without_recording_it():
    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel(_bank())
    num = _views_by_kind(panel)["numerical"]
    num.input.value = "forty-two"
    num.submit_button.click()
    assert "not a number" in num.feedback.value.lower()
    assert panel.session.attempts == []


def test_assessment_mode_withholds_feedback_until_finish(tmp_path):
    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel(_bank(), mode="assessment", results_file=tmp_path / "r.json")
    mc = _views_by_kind(panel)["multiple_choice"]
    mc.input.value = 0
    mc.submit_button.click()
    assert "Answer recorded" in mc.feedback.value and "Because" not in mc.feedback.value
    assert "Score" not in panel.score.value
    panel.student.value = "Ada"
    panel.finish_button.click()
    assert "Because &lt;script&gt;" in mc.feedback.value
    assert "Summary: 0 / 4" in panel.summary.value
    assert mc.submit_button.disabled
    record = load_results(tmp_path / "r.json")
    assert record["student"] == "Ada" and record["mode"] == "assessment"
    assert record["attempts"][0]["response"] == 0


def test_widget_escapes_quiz_text_everywhere(tmp_path):
    from ipywidgets import HTML

    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel(_bank(), mode="assessment", results_file=tmp_path / "r.json")
    mc = _views_by_kind(panel)["multiple_choice"]
    mc.input.value = 0
    mc.submit_button.click()
    panel.finish()

    def html_values(widget):
        if isinstance(widget, HTML):
            yield widget.value
        for child in getattr(widget, "children", ()):
            yield from html_values(child)

    shown = "\n".join(html_values(panel))
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;" in shown
    assert "<script" not in shown.lower()
    assert "<b>a)</b> wrong &lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;" in shown
    assert [label for label, _ in mc.input.options] == ["a", "b", "c"]


def test_quiz_panel_resolves_a_course_bank_by_name():
    from snnedu.widgets.quiz import quiz_panel

    panel = quiz_panel("nb02_hodgkin_huxley", shuffle=True, seed=0)
    assert panel.session.bank.name == "nb02_hodgkin_huxley"
    assert len(panel.views) == len(panel.session.bank.questions)
    with pytest.raises(FileNotFoundError, match="nb01_membrane"):
        quiz_panel("no_such_bank")


# --------------------------------------------------------------------------- terminal


def test_terminal_quiz_with_scripted_input_scores_and_reports():
    bank = _bank()
    # Q1 wrong, invalid, Enter shows the answer; Q2 right; Q3 wrong three times (the worked
    # answer comes with the third); Q4 right; Q5 essay.
    typed = "c\nfoo\n\na c\n41\n43\n40\nstdp\nbecause\n"
    out = io.StringIO()
    session = run_terminal_quiz(bank, stdin=io.StringIO(typed), stdout=out)
    text = out.getvalue()
    assert session.score == 2 and session.possible == 4
    assert "there are only choices a to c" in text
    assert "Answer: right" in text  # Enter after a wrong try
    numerical = text.split("Question 3")[1].split("Question 4")[0]
    tries = numerical.split("Not quite")[1:]
    assert len(tries) == 3
    assert "too" not in tries[0] and "Multiply" not in tries[0]  # a bare verdict first
    assert "too high" in tries[1] and "Multiply" not in tries[1]  # then the direction
    assert "Multiply six by seven." in tries[2] and "answer: 42" in tries[2]
    assert "Score: 2 / 4 (5 of 5 answered)" in text


def test_terminal_output_drops_control_characters_from_quiz_text():
    bank = parse_bank("1.  Clear\x1b[2J the screen?\n*a) no\nb)  yes\n")
    out = io.StringIO()
    run_terminal_quiz(bank, stdin=io.StringIO("a\n"), stdout=out)
    assert "\x1b" not in out.getvalue() and "Clear[2J the screen?" in out.getvalue()


def test_terminal_assessment_gives_feedback_only_at_the_end():
    out = io.StringIO()
    run_terminal_quiz(_bank(), mode="assessment", stdin=io.StringIO("a\n"), stdout=out)
    before, after = out.getvalue().split("Feedback:")
    assert "Because" not in before and "Because" in after
    assert "Score: 0 / 4 (1 of 5 answered)" in after


def test_quiz_run_command_in_a_subprocess(tmp_path):
    bank = load_bank("nb01_membrane")
    answers = []
    for question in bank.questions:
        right = correct_response(question)
        if question.kind in ("multiple_choice", "true_false"):
            answers.append("abcdefgh"[right])
        elif question.kind == "multiple_answers":
            answers.append(" ".join("abcdefgh"[i] for i in right))
        else:
            answers.append(str(right))
    results = tmp_path / "mine.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snnedu",
            "quiz",
            "run",
            "nb01_membrane",
            "--results",
            str(results),
            "--student",
            "Grace",
        ],
        input="\n".join(answers) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert f"Score: {len(answers)} / {len(answers)}" in run.stdout
    assert load_results(results)["student"] == "Grace"


# --------------------------------------------------------------------------- instructor tools


def test_qti_export_is_a_zip_canvas_can_import(tmp_path):
    out = export_qti("L7_spiking_networks", tmp_path / "l7.zip")
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert "imsmanifest.xml" in names
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        assert manifest.tag.endswith("manifest")
        assessment = next(
            n
            for n in names
            if n.endswith(".xml") and "assessment_meta" not in n and n != "imsmanifest.xml"
        )
        items = ET.fromstring(archive.read(assessment)).findall(".//{*}item")
        assert len(items) == len(load_bank("L7_spiking_networks").questions)


def test_export_can_embed_an_instructors_local_images(tmp_path):
    (tmp_path / "neuron.png").write_bytes(b"\x89PNG not really")
    bank = tmp_path / "with_image.txt"
    bank.write_text("Quiz title: x\n\n1.  Look ![a neuron](neuron.png)\n*a) y\nb)  n\n")
    with pytest.raises(QuizFormatError, match="images must be web addresses"):
        export_qti(bank, tmp_path / "refused.zip")
    out = export_qti(bank, tmp_path / "q.zip", allow_local_images=True)
    assert "images/neuron.png" in zipfile.ZipFile(out).namelist()


def test_quiz_export_command_writes_the_zip(tmp_path, capsys):
    assert (
        cli_main(["quiz", "export", "nb03_integrate_and_fire", "-o", str(tmp_path / "q.zip")]) == 0
    )
    assert zipfile.is_zipfile(tmp_path / "q.zip")


def test_quiz_check_accepts_a_good_question_and_previews_it(tmp_path, capsys):
    path = tmp_path / "good.txt"
    path.write_text(GOOD_QUESTION, encoding="utf-8")
    assert cli_main(["quiz", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid — 1 question" in out
    # as a student sees it: the question and what to type, not the key nor the feedback
    assert "What is E_K" in out and "(type a number)" in out
    assert "answer" not in out.lower() and "-93" not in out and "feedback (" not in out
    assert cli_main(["quiz", "check", "--answers", str(path)]) == 0
    out = capsys.readouterr().out
    assert "What is E_K" in out and "answer: -93" in out and "feedback (wrong)" in out


def test_quiz_check_rejects_a_bad_question_naming_the_line(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text(BAD_QUESTION, encoding="utf-8")
    assert cli_main(["quiz", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 5" in err and "Missing whitespace" in err


def test_quiz_check_gives_advice_on_weak_questions(tmp_path, capsys):
    path = tmp_path / "weak.txt"
    path.write_text("1.  Which is the potassium ion?\n*a) K⁺\nb)  Na⁺\n", encoding="utf-8")
    assert cli_main(["quiz", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "advice (line 1)" in out and "feedback" in out and "3–5 choices" in out


def test_merge_collects_students_questions_into_one_valid_bank(tmp_path):
    first = tmp_path / "ada.txt"
    first.write_text(GOOD_QUESTION, encoding="utf-8")
    second = tmp_path / "alan.txt"
    second.write_text(
        "Quiz title: Alan's\nShuffle answers: true\n\n" + MIXED_BANK.split("\n", 2)[2],
        encoding="utf-8",
    )
    out = tmp_path / "class.txt"
    assert cli_main(["quiz", "merge", str(out), str(first), str(second), "--title", "Class"]) == 0
    merged = load_bank(out)
    assert merged.title == "Class"
    assert len(merged.questions) == 1 + len(_bank().questions)
    assert "% from ada.txt" in out.read_text(encoding="utf-8")


def test_merge_names_the_file_and_line_of_a_problem(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_QUESTION, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD_QUESTION, encoding="utf-8")
    with pytest.raises(QuizFormatError, match=r"bad\.txt, line 5"):
        merge_banks([good, bad])
    twin = tmp_path / "twin.txt"
    twin.write_text(GOOD_QUESTION, encoding="utf-8")
    with pytest.raises(QuizFormatError, match=r"twin\.txt, line \d+: Duplicate question"):
        merge_banks([good, twin])


def test_results_files_are_regraded_and_collected_into_a_csv(tmp_path):
    bank = load_bank("nb05_lateral_inhibition")
    paths = []
    for student, right in (("Ada", True), ("Alan", False)):
        session = QuizSession(bank, mode="assessment", student=student)
        for position, question in enumerate(session.questions):
            response = correct_response(question)
            if not right and question.kind == "multiple_choice":
                response = next(i for i, c in enumerate(question.choices) if not c.correct)
            session.submit(position, response)
        session.finish()
        paths.append(session.save(tmp_path / f"{student}.json"))
    tampered = json.loads(paths[1].read_text(encoding="utf-8"))
    assert "score" not in tampered  # the file records answers, not a score
    tampered["score"] = tampered["possible"] = 99.0
    paths.append(tmp_path / "tampered.json")
    paths[-1].write_text(json.dumps(tampered), encoding="utf-8")

    csv_path = tmp_path / "grades.csv"
    assert cli_main(["quiz", "collect", *map(str, paths), "-o", str(csv_path)]) == 0
    with csv_path.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["student"] for r in rows] == ["Ada", "Alan", "Alan"]
    possible = sum(q.points for q in bank.questions)
    assert float(rows[0]["score"]) == possible and rows[0]["check"] == "regraded"
    assert float(rows[1]["score"]) < possible
    assert rows[2]["score"] == rows[1]["score"] and rows[2]["check"] == "regraded"


def test_collect_refuses_files_that_are_not_results(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a snnedu quiz results file"):
        collect_results([path])
    session = QuizSession(_bank())
    session.submit(0, 1)
    record = session.record()
    record["attempts"] = ["1"]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ValueError, match="altered or damaged"):
        collect_results([path])


def test_grades_csv_neutralises_spreadsheet_formulas(tmp_path):
    path = write_grades_csv([{"student": "=HYPERLINK(1)", "score": 1}], tmp_path / "g.csv")
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8")


def _a_wrong_response(question):
    if question.kind in ("multiple_choice", "true_false"):
        return next(i for i, c in enumerate(question.choices) if not c.correct)
    if question.kind == "multiple_answers":
        return tuple(i for i, c in enumerate(question.choices) if not c.correct)
    if question.kind == "numerical":
        return question.maximum + 1 + abs(question.maximum)
    return "definitely not the answer"


# --------------------------------------------------------------------------- your own question


def test_check_question_previews_a_good_question_and_locates_a_bad_one():
    from snnedu.exercises.quiz import check_question

    good = check_question(GOOD_QUESTION)
    assert good and good.bank.questions[0].title == "Potassium" and not good.advice
    assert "What is E_K" in repr(good)
    bad = check_question(BAD_QUESTION)
    assert not bad and bad.bank is None
    assert "line 5" in bad.message and ">>   5 | b)Na⁺" in repr(bad)
    hostile = check_question("1.  Is <script>alert(1)</script> here?\n*a) yes\nb)  no\n")
    assert "<script" not in hostile._repr_html_() and "&lt;script&gt;" in hostile._repr_html_()


def test_save_question_writes_only_valid_questions(tmp_path):
    from snnedu.exercises.quiz import save_question

    path = save_question(GOOD_QUESTION, tmp_path / "mine.txt")
    assert load_bank(path).questions[0].title == "Potassium"
    with pytest.raises(FileExistsError):
        save_question(GOOD_QUESTION, path)
    with pytest.raises(QuizFormatError, match="line 5"):
        save_question(BAD_QUESTION, tmp_path / "bad.txt")
    assert not (tmp_path / "bad.txt").exists()


def test_question_editor_checks_as_the_text_changes_and_saves(tmp_path):
    from snnedu.widgets.quiz import question_editor

    editor = question_editor(BAD_QUESTION, tmp_path / "q.txt")
    assert "line 5" in editor.preview.value and editor.trial.children == ()
    editor.save_button.click()
    assert "Not saved" in editor.status.value and not (tmp_path / "q.txt").exists()
    editor.text.value = GOOD_QUESTION
    assert "valid: 1 question" in editor.preview.value
    (trial,) = editor.trial.children
    trial.views[0].input.value = "-93.2"
    trial.views[0].submit_button.click()
    assert trial.session.score == 1
    editor.save_button.click()
    assert load_bank(tmp_path / "q.txt").title == "My question"


def test_notebook_exercise_check_uses_the_membrane_model():
    from snnedu.exercises import check
    from snnedu.models.membrane import nernst

    assert check("quiz.nernst_ca", nernst(2.0, 1e-4, z=2))
    assert not check("quiz.nernst_ca", nernst(2.0, 1e-4, z=1))  # forgot the valence
    assert not check("quiz.nernst_ca", None)
