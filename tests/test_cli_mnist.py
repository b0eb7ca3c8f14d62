"""`snnedu mnist train|eval` on a tiny run in a temporary folder."""

import numpy as np
from mnist_fake import write_fake_mnist

from snnedu.cli import main
from snnedu.networks.diehl_cook import load_diehl_cook, read_metadata


def test_train_resume_and_eval_a_tiny_network(tmp_path, capsys):
    out = tmp_path / "net.npz"
    data = str(write_fake_mnist(tmp_path / "data"))
    common = ["--dataset", "mnist", "--data-dir", data, "--no-progress", "--seed", "1"]
    status = main(
        [
            "mnist",
            "train",
            "--size",
            "5",
            "--n-train",
            "8",
            "--output",
            str(out),
            "--figures",
            str(tmp_path / "figs"),
            *common,
        ]
    )
    assert status == 0
    assert load_diehl_cook(out).images_seen == 8
    assert read_metadata(out)["metadata"]["n_train"] == 8
    assert {p.name for p in (tmp_path / "figs").iterdir()} >= {"receptive_fields.png", "theta.png"}
    assert (
        main(
            [
                "mnist",
                "train",
                "--n-train",
                "8",
                "--passes",
                "2",
                "--resume",
                "--output",
                str(out),
                *common,
            ]
        )
        == 0
    )
    resumed = load_diehl_cook(out)
    assert resumed.images_seen == 16
    capsys.readouterr()
    assert (
        main(
            [
                "mnist",
                "eval",
                str(out),
                "--n-label",
                "10",
                "--n-test",
                "6",
                "--figures",
                str(tmp_path / "figs"),
                *common,
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "6 test images" in printed
    assert (tmp_path / "figs" / "confusion.png").is_file()
    np.testing.assert_array_equal(load_diehl_cook(out).w, resumed.w)  # eval does not train


def test_bad_arguments_give_an_error_status_not_a_traceback(tmp_path, capsys):
    output = str(tmp_path / "x.npz")
    train = ["mnist", "train", "--dataset", "offline", "--no-progress", "-o", output]
    assert main([*train, "--size", "-3"]) == 2
    assert "--size" in capsys.readouterr().err
    assert main([*train, "--size", "3", "--rule", "hebb"]) == 2
    assert main(["mnist", "eval", str(tmp_path / "missing.npz"), "--dataset", "offline"]) == 2
