"""`snnedu mnist train|eval` on a tiny run in a temporary folder."""

import shlex

import numpy as np
import pytest
from mnist_fake import write_fake_mnist

from snnedu.cli import main
from snnedu.networks import diehl_cook as dc
from snnedu.networks.diehl_cook import load_diehl_cook, read_metadata


@pytest.fixture
def data(tmp_path):
    return str(write_fake_mnist(tmp_path / "data"))


def _common(data):
    return ["--dataset", "mnist", "--data-dir", data, "--no-progress", "--seed", "1"]


def test_train_and_eval_a_tiny_network(tmp_path, capsys, data):
    out = tmp_path / "net.npz"
    figs = str(tmp_path / "figs")
    train = ["mnist", "train", "--size", "5", "--n-train", "8", "--output", str(out)]
    assert main([*train, "--figures", figs, *_common(data)]) == 0
    assert load_diehl_cook(out).images_seen == 8
    meta = read_metadata(out)["metadata"]
    assert (meta["n_train"], meta["passes"], meta["dataset"]) == (8, 1, "MNIST")
    assert len(meta["fingerprint"]) == 16
    assert {p.name for p in (tmp_path / "figs").iterdir()} >= {"receptive_fields.png", "theta.png"}
    capsys.readouterr()
    evaluate = ["mnist", "eval", str(out), "--n-label", "10", "--n-test", "6", "--figures", figs]
    assert main([*evaluate, *_common(data)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "6 test images" in printed
    assert (tmp_path / "figs" / "confusion.png").is_file()


def test_a_stopped_run_resumes_with_the_printed_command_to_the_uninterrupted_network(
    tmp_path, capsys, data, monkeypatch
):
    whole, part = tmp_path / "whole.npz", tmp_path / "part.npz"
    train = ["mnist", "train", "--size", "4", "--n-train", "6", "--passes", "2",
             "--update-interval", "4", *_common(data)]  # fmt: skip
    assert main([*train, "--output", str(whole)]) == 0
    real_train = dc.train_diehl_cook

    def stop_after_3(k, record):
        if k == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(dc, "train_diehl_cook",
                        lambda *a, **kw: real_train(*a, callback=stop_after_3, **kw))  # fmt: skip
    capsys.readouterr()
    assert main([*train, "--output", str(part)]) == 130
    monkeypatch.setattr(dc, "train_diehl_cook", real_train)
    printed = capsys.readouterr().out
    command = shlex.split(printed.split("Continue with: ")[1].strip())
    assert command[:3] == ["snnedu", "mnist", "train"] and "--no-progress" not in command
    assert main([*command[1:], "--no-progress"]) == 0  # the printed line, as the user runs it
    resumed, full = load_diehl_cook(part), load_diehl_cook(whole)
    assert resumed.images_seen == full.images_seen == 12
    np.testing.assert_array_equal(resumed.w, full.w)
    np.testing.assert_array_equal(resumed.theta, full.theta)


def test_resume_refuses_other_data_naming_both(tmp_path, capsys, data):
    out = str(tmp_path / "net.npz")
    base = ["mnist", "train", "--size", "3", "--output", out, "--no-progress", "--dataset",
            "mnist"]  # fmt: skip
    assert main([*base, "--n-train", "8", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main([*base, "--resume", "--n-train", "6", "--data-dir", data]) == 2
    err = capsys.readouterr().err
    assert "n_train = 8" in err and "n_train = 6" in err
    other = str(write_fake_mnist(tmp_path / "other", seed=5))  # same sizes, other images
    assert main([*base, "--resume", "--n-train", "8", "--data-dir", other]) == 2
    assert "fingerprint" in capsys.readouterr().err
    assert main([*base, "--resume", "--n-train", "8", "--passes", "3", "--data-dir", data]) == 2
    assert "passes = 1" in capsys.readouterr().err


def test_train_never_overwrites_a_network_without_force(tmp_path, capsys, data):
    out = tmp_path / "net.npz"
    train = ["mnist", "train", "--n-train", "4", "--output", str(out), *_common(data)]
    assert main([*train, "--size", "6"]) == 0
    assert main([*train, "--size", "2"]) == 2
    assert "--force" in capsys.readouterr().err
    assert load_diehl_cook(out).n == 6
    assert main([*train, "--size", "2", "--force"]) == 0
    assert load_diehl_cook(out).n == 2


def test_output_without_extension_is_saved_reported_and_found_by_eval(tmp_path, capsys, data):
    stem = tmp_path / "net_noext"
    train = ["mnist", "train", "--size", "1", "--n-train", "4", "--output", str(stem)]
    assert main([*train, *_common(data)]) == 0
    printed = capsys.readouterr().out
    assert f"saved to {stem}.npz" in printed
    assert "trained 1 neuron (" in printed  # not "1 neurons"
    assert (tmp_path / "net_noext.npz").is_file() and not stem.exists()
    assert main(["mnist", "eval", str(stem), "--n-label", "4", "--n-test", "3",
                 *_common(data)]) == 0  # fmt: skip


def test_progress_bar_shows_an_accuracy_never_a_dash(tmp_path, capsys, data):
    out = str(tmp_path / "n.npz")
    train = ["mnist", "train", "--size", "3", "--n-train", "8", "--update-interval", "4",
             "--output", out, "--dataset", "mnist", "--data-dir", data]  # fmt: skip
    assert main(train) == 0
    err = capsys.readouterr().err
    assert "acc=-" not in err
    assert "acc=" in err.strip().splitlines()[-1]  # the last window's accuracy at the end


def test_unreadable_model_files_give_clear_errors(tmp_path, capsys):
    text = tmp_path / "notes.npz"
    text.write_text("not a network\n")
    with pytest.raises(ValueError, match=r"not an \.npz archive") as error:
        load_diehl_cook(text)
    assert "allow_pickle" not in str(error.value)
    with pytest.raises(ValueError, match="folder"):
        load_diehl_cook(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_diehl_cook(tmp_path / "missing.npz")
    pickled = tmp_path / "objects.npz"
    np.savez(pickled, meta=np.array([{"format": "snnedu.diehl_cook"}], dtype=object))
    with pytest.raises(ValueError, match="not a snnedu Diehl & Cook network") as error:
        load_diehl_cook(pickled)
    assert "allow_pickle" not in str(error.value)
    for path in (text, tmp_path, tmp_path / "missing.npz", pickled):
        assert main(["mnist", "eval", str(path), "--dataset", "offline"]) == 2
        err = capsys.readouterr().err
        assert "allow_pickle" not in err and "Traceback" not in err


def test_a_data_dir_without_data_is_an_error_naming_it(tmp_path, capsys):
    empty = tmp_path / "typo"
    empty.mkdir()
    out = tmp_path / "net.npz"
    assert main(["mnist", "train", "--size", "2", "--data-dir", str(empty), "--output",
                 str(out), "--no-progress"]) == 2  # fmt: skip
    assert str(empty) in capsys.readouterr().err
    assert not out.exists()


def test_bad_arguments_give_an_error_status_before_loading_data(tmp_path, capsys):
    output = str(tmp_path / "x.npz")
    missing = str(tmp_path / "no-data")  # would be an error too, but only once data loads
    train = ["mnist", "train", "--data-dir", missing, "--no-progress", "-o", output]
    assert main([*train, "--size", "-3"]) == 2
    assert "--size" in capsys.readouterr().err
    assert main([*train, "--size", "0"]) == 2
    assert "--size" in capsys.readouterr().err
    assert main([*train, "--size", "3", "--rule", "hebb"]) == 2
    assert "unknown STDP rule" in capsys.readouterr().err
    assert main(["mnist", "eval", str(tmp_path / "missing.npz"), "--dataset", "offline"]) == 2


@pytest.mark.parametrize("preset", [None, "course", "paper"])
def test_train_saves_the_preset_it_was_given_course_by_default(preset, tmp_path, capsys, data):
    out = tmp_path / "net.npz"
    chosen = [] if preset is None else ["--preset", preset]
    train = ["mnist", "train", *chosen, "--size", "2", "--n-train", "4", "--output", str(out),
             *_common(data)]  # fmt: skip
    assert main(train) == 0
    net = load_diehl_cook(out)
    expected = preset or "course"
    _, protocol, _, rule = dc.preset(expected, 2)
    assert (net.preset, net.rule, net.protocol) == (expected, rule, protocol)
    assert f"{expected} preset" in capsys.readouterr().out


def test_an_unknown_preset_is_refused_with_the_list(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:  # argparse: an unknown choice, listing them
        main(["mnist", "train", "--preset", "fast", "--output", str(tmp_path / "x")])
    assert done.value.code == 2 and "paper" in capsys.readouterr().err
