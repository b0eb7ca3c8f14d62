"""Exercises: auto-checks for the notebooks' exercises, and quizzes.

>>> from snnedu.exercises import check          # doctest: +SKIP
>>> check("membrane.nernst_k", -93.0)           # doctest: +SKIP
"""

from snnedu.exercises.checking import CheckResult, check, explain, hint, predict, reveal

__all__ = ["CheckResult", "check", "explain", "hint", "predict", "reveal"]
