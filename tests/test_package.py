"""Package-wide contracts: light import, layering, the CLI and the course material."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

import snnedu
from snnedu.cli import build_parser, main
from snnedu.course import copy_course, course_root, notebooks

ROOT = Path(__file__).resolve().parents[1]


def _imports_after(statement):
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return {name.split(".")[0] for name in json.loads(out.stdout)}


def test_import_snnedu_loads_neither_matplotlib_nor_ipywidgets():
    loaded = _imports_after("import snnedu")
    assert "matplotlib" not in loaded and "ipywidgets" not in loaded


def test_models_and_networks_do_not_load_plotting_or_widgets():
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for folder in ("models", "networks", "core", "data", "experiments")
        for p in sorted((ROOT / "snnedu" / folder).rglob("*.py"))
    ]
    statement = "; ".join(f"import {m}" for m in modules) or "pass"
    loaded = _imports_after(statement)
    assert "matplotlib" not in loaded and "ipywidgets" not in loaded


# What each layer of the package may import (besides itself), lazy imports inside functions
# included: shared kernels → models → networks → exercises; plots and widgets on top; the
# CLI calls everything and nothing calls it.
ALLOWED_IMPORTS = {
    "core": set(),
    "data": {"core"},
    "models": {"core"},
    "energy": {"core", "models"},
    "networks": {"core", "models", "data", "energy"},
    "course": {"core", "data"},
    "experiments": {"core", "models", "networks", "data", "energy"},
    "exercises": {"core", "models", "networks", "data", "energy", "course"},
    "plot": {"core", "models", "networks", "data", "energy"},
    "widgets": {"core", "models", "networks", "data", "energy", "exercises", "plot"},
    "commands": {
        "core",
        "models",
        "networks",
        "experiments",
        "data",
        "energy",
        "exercises",
        "plot",
        "course",
        "widgets",
    },
    "cli": {"commands", "(package)"},
    "__main__": {"cli"},
    "__init__": set(),
}


def _layer_imports(package=ROOT / "snnedu"):
    """(layer, imported layer, file) for every snnedu import in the package, lazy ones too."""
    import ast

    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        layer = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name == "snnedu":
                    yield layer, "(package)", path
                elif name.startswith("snnedu."):
                    yield layer, name.split(".")[1], path


def _layer_violations(package=ROOT / "snnedu"):
    return [
        f"{path}: {layer} must not import {target}"
        for layer, target, path in _layer_imports(package)
        if target != layer and target not in ALLOWED_IMPORTS.get(layer, ())
    ]


def test_every_layer_imports_only_the_layers_below_it():
    assert {layer for layer, _, _ in _layer_imports()} <= set(ALLOWED_IMPORTS)
    assert _layer_violations() == []


def test_the_layer_check_finds_an_upward_import_even_inside_a_function(tmp_path):
    (tmp_path / "networks" / "sub").mkdir(parents=True)
    (tmp_path / "networks" / "sub" / "net.py").write_text(
        "from snnedu.models import lif\n\ndef f():\n    import snnedu.widgets.lif\n"
    )
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.py").write_text("from snnedu.plot.lif import plot_fi_curve\n")
    found = _layer_violations(tmp_path)
    assert sorted(v.split(": ")[1] for v in found) == [
        "models must not import plot",
        "networks must not import widgets",
    ]


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "course" in capsys.readouterr().out


def test_python_dash_m_snnedu_runs_the_cli():
    out = subprocess.run(
        [sys.executable, "-m", "snnedu", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"snnedu {snnedu.__version__}"


def test_every_subcommand_has_help():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        assert sub.format_help().strip(), name


def test_course_copy_brings_notebooks_and_keeps_student_edits(tmp_path, capsys):
    assert main(["course", "copy", str(tmp_path / "course")]) == 0
    copied = sorted(p.name for p in (tmp_path / "course" / "notebooks").glob("*.ipynb"))
    assert copied == [p.name for p in notebooks()] and copied
    assert list((tmp_path / "course" / "exercises" / "quizzes").glob("nb01_*.txt"))
    assert not (tmp_path / "course" / "exercises" / "assignments").exists()  # solutions
    edited = tmp_path / "course" / "notebooks" / copied[0]
    edited.write_text("my work")
    copy_course(tmp_path / "course")
    assert edited.read_text() == "my work"
    copy_course(tmp_path / "course", overwrite=True)
    assert edited.read_text() != "my work"


def test_course_material_is_found_and_notebooks_are_numbered_in_order():
    names = [p.name for p in notebooks()]
    assert course_root().is_dir() and names == sorted(names)
    assert names[0].startswith("01_")


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "exercises").rglob("*.ipynb")
    ):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, path.name


def test_notebooks_name_their_kernel_so_jupyterlab_opens_them_without_asking():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
        assert kernelspec.get("name") == "python3", path.name


def test_every_notebook_ends_with_its_quiz_and_the_bank_exists():
    from snnedu.exercises.quiz import load_bank

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        last = json.loads(path.read_text(encoding="utf-8"))["cells"][-1]
        source = "".join(last["source"])
        assert last["cell_type"] == "code" and "quiz_panel(" in source, path.name
        bank = source.split('quiz_panel("')[1].split('"')[0]
        assert len(load_bank(bank).questions) >= 5, path.name


def test_readme_commands_are_the_ones_ci_runs():
    out = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "readme_command.py"), "test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pytest" in out and "pip install" in out
    assert "readme_command.py test" in (ROOT / ".ci" / "run").read_text()
