"""The terminal quiz moved to :mod:`snnedu.exercises.quiz.terminal`; this name keeps working."""

from snnedu.exercises.quiz.terminal import HELP, run_terminal_quiz

__all__ = ["HELP", "run_terminal_quiz"]
