"""Checks for notebook 09, "make your own quiz question".

They compute a question's answer with snnedu instead of by hand.
"""

from snnedu.exercises.checking import value_check
from snnedu.models.membrane import nernst

value_check(
    "quiz.nernst_ca",
    expected=lambda: nernst(2.0, 1e-4, z=2, temperature_c=37.0),
    hint="use nernst(c_out, c_in, z=2) with both concentrations in mM (100 nM = 1e-4 mM); "
    "the valence 2 halves the potential of a monovalent ion with the same ratio.",
    rtol=0.0,
    atol=0.5,
    unit="mV",
)
