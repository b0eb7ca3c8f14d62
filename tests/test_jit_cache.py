"""The disk cache of snnedu's kernels follows every module of the package, not only its own."""

import os
import subprocess
import sys

import pytest

from snnedu.core import jit
from snnedu.networks.diehl_cook import kernel

CALLER = """
from numba import njit
from pkg.callee import f

@njit(cache=True)
def g():
    return f()
"""

CALLEE = """
from numba import njit

@njit(cache=True)
def f():
    return {value}
"""

RUN = """
import sys
from pathlib import Path
if sys.argv[1] == "stamped":
    from snnedu.core.jit import stamp_caches_with_package
    stamp_caches_with_package(Path("pkg"))
from pkg.caller import g
print(g())
"""


def _run(folder, mode: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}
    env.pop("NUMBA_CACHE_DIR", None)  # caches next to the sources, in folder
    done = subprocess.run([sys.executable, "-c", RUN, mode], cwd=folder, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.strip()


@pytest.mark.parametrize("mode", ["stamped", "numba's own stamps"])
def test_a_cached_kernel_recompiles_when_a_kernel_it_calls_from_another_module_changes(
    tmp_path, mode
):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "caller.py").write_text(CALLER)
    (package / "callee.py").write_text(CALLEE.format(value=1))
    assert _run(tmp_path, mode) == "1"
    (package / "callee.py").write_text(CALLEE.format(value=2))  # the caller's file is unchanged
    if mode == "stamped":
        assert _run(tmp_path, mode) == "2"
    else:  # the trap the package stamp removes: numba reuses the caller's old machine code
        assert _run(tmp_path, mode) == "1", "numba now follows callees: the stamp may go"


def test_package_stamp_follows_contents_and_names(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    first = jit.package_stamp(tmp_path)
    os.utime(tmp_path / "a.py", (0, 0))
    assert jit.package_stamp(tmp_path) == first  # a checkout of the same text: no recompiling
    (tmp_path / "a.py").write_text("x = 2\n")
    second = jit.package_stamp(tmp_path)
    (tmp_path / "a.py").rename(tmp_path / "b.py")
    assert len({first, second, jit.package_stamp(tmp_path)}) == 3


def test_snnedu_kernels_carry_the_package_stamp():
    stamp = kernel.present._cache._impl.locator.get_source_stamp()
    assert stamp[1] == jit.package_stamp()
