"""Checks for notebook 04 (Poisson neurons, coding, synapses). Every expected value is
computed by :mod:`snnedu.models.encoders` or :mod:`snnedu.models.synapses`."""

from __future__ import annotations

import numpy as np

from snnedu.exercises.checking import function_check, value_check
from snnedu.models import encoders, synapses

EXPECTED_COUNT_PIXEL = 200
"""Pixel value of the expected-count exercise."""

CV_RATE_HZ, CV_DT = 20.0, 0.5
"""Rate [Hz] and time step [ms] of the CV exercise."""

SHUNT_G_E, SHUNT_G_I = 5.0, 20.0
"""Conductances [nS] of the steady-state exercise."""

value_check(
    "coding.max_rate",
    expected=lambda: float(encoders.image_to_rate_hz(255)),
    hint="f = pixel / 4 in the lecture; what is the brightest pixel value of an 8-bit image?",
    rtol=1e-6,
    unit="Hz",
)

value_check(
    "coding.expected_count",
    expected=lambda: (
        float(encoders.image_to_rate_hz(EXPECTED_COUNT_PIXEL)) * encoders.PRESENTATION_MS / 1000.0
    ),
    hint="Mean count = rate × duration; the rate is pixel / 4 Hz and the image is shown for "
    "350 ms (= 0.35 s).",
    rtol=1e-6,
    unit="spikes",
)

value_check(
    "coding.poisson_cv",
    expected=lambda: encoders.poisson_isi_cv(CV_RATE_HZ, CV_DT),
    hint="CV = std(ISI) / mean(ISI), with the ISIs of every train pooled; for a Poisson "
    "process the standard deviation of the ISIs equals their mean.",
    atol=0.05,
)


def _latency(pixel, t_max_ms):
    return encoders.encode_latency(np.atleast_1d(pixel), t_max_ms, dt=1e-9)[0]


function_check(
    "coding.latency",
    _latency,
    cases=[(255, 50.0), (128, 50.0), (10, 50.0), (200, 20.0), (1, 100.0)],
    hint="Brighter pixels fire earlier: 255 fires at t = 0, a pixel of 0 would fire at t_max, "
    "and the time falls linearly in between.",
    rtol=1e-6,
    atol=1e-6,
)

value_check(
    "coding.steady_state_v",
    expected=lambda: float(synapses.steady_state_v(g_e=SHUNT_G_E, g_i=SHUNT_G_I)),
    hint="Set dv/dt = 0: the steady state is the conductance-weighted mean of v_rest, e_exc "
    "and e_inh (g_L = 1/R = 10 nS).",
    atol=0.05,
    unit="mV",
)
