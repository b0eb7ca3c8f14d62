"""Finding, downloading and loading MNIST-style data sets, without the network."""

import hashlib
import os

import numpy as np
import pytest

from snnedu.data import DatasetNotFoundError, datasets, load_dataset, load_offline_digits, write_idx

FILES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No environment variables, an empty user cache, no system folders."""
    for spec in datasets.SPECS.values():
        monkeypatch.delenv(spec.env_var, raising=False)
    monkeypatch.setenv("SNNEDU_CACHE_DIR", str(tmp_path / "cache"))
    for key, spec in datasets.SPECS.items():
        monkeypatch.setitem(datasets.SPECS, key, spec._replace(system_folders=()))
    return tmp_path


def make_idx_folder(folder, n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        FILES[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        FILES[1]: rng.integers(0, 10, n_train, dtype=np.uint8),
        FILES[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        FILES[3]: rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for name, array in arrays.items():
        write_idx(folder / name, array)
    return arrays


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_explicit_folder_is_used_and_counts_come_from_headers(isolated):
    arrays = make_idx_folder(isolated / "given", n_train=12, n_test=5)
    train = load_dataset("mnist", "train", folder=isolated / "given", download=False)
    test = load_dataset("mnist", "test", folder=isolated / "given", download=False)
    assert train.images.shape == (12, 28, 28) and test.images.shape == (5, 28, 28)
    np.testing.assert_array_equal(train.labels, arrays[FILES[1]])


def test_uncompressed_files_are_found_too(isolated):
    folder = isolated / "raw"
    arrays = make_idx_folder(folder)
    for name in FILES:
        write_idx(folder / name.removesuffix(".gz"), arrays[name])
        (folder / name).unlink()
    assert load_dataset("mnist", "test", folder=folder, download=False).images.shape[0] == 5


def test_fallback_order_folder_then_environment_then_cache(isolated, monkeypatch):
    make_idx_folder(isolated / "given", n_train=3)
    make_idx_folder(isolated / "env", n_train=4)
    make_idx_folder(isolated / "cache" / "mnist", n_train=6)
    assert len(load_dataset("mnist", folder=isolated / "given", download=False).images) == 3
    monkeypatch.setenv("SNNEDU_MNIST_DIR", str(isolated / "env"))
    assert len(load_dataset("mnist", folder=isolated / "given", download=False).images) == 3
    assert len(load_dataset("mnist", download=False).images) == 4
    monkeypatch.delenv("SNNEDU_MNIST_DIR")
    assert len(load_dataset("mnist", download=False).images) == 6


def test_environment_variable_pointing_at_an_empty_folder_is_an_error(isolated, monkeypatch):
    (isolated / "empty").mkdir()
    monkeypatch.setenv("SNNEDU_MNIST_DIR", str(isolated / "empty"))
    with pytest.raises(DatasetNotFoundError, match="SNNEDU_MNIST_DIR"):
        load_dataset("mnist", download=False)


def test_offline_without_files_says_where_to_put_them(isolated):
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset("mnist", "train", download=False)
    message = str(error.value)
    assert "SNNEDU_MNIST_DIR" in message and "offline" in message
    assert str(isolated / "cache" / "mnist") in message


def fake_mirror(folder, monkeypatch, key="mnist"):
    """Serve IDX files from a local folder through file:// URLs; register their checksums."""
    make_idx_folder(folder)
    spec = datasets.SPECS[key]
    monkeypatch.setitem(
        datasets.SPECS, key, spec._replace(md5={name: md5(folder / name) for name in FILES})
    )
    return folder.as_uri() + "/"


def test_download_verifies_checksums_and_caches(isolated, monkeypatch):
    mirror = fake_mirror(isolated / "mirror", monkeypatch)
    train = load_dataset("mnist", "train", mirrors=[mirror])
    assert train.source == str(isolated / "cache" / "mnist")
    assert sorted(os.listdir(isolated / "cache" / "mnist")) == sorted(FILES[:2])
    # second call finds the cache and needs no mirror at all
    assert len(load_dataset("mnist", "train", download=False).images) == 12


def test_checksum_failure_leaves_no_file_and_tries_the_next_mirror(isolated, monkeypatch):
    good = fake_mirror(isolated / "good", monkeypatch)
    bad = isolated / "bad"
    make_idx_folder(bad, seed=99)  # same names, different bytes → wrong checksums
    bad_url = bad.as_uri() + "/"
    with pytest.raises(DatasetNotFoundError, match="checksum mismatch"):
        load_dataset("mnist", "test", mirrors=[bad_url])
    assert not [p for p in (isolated / "cache" / "mnist").iterdir()]  # no half or bad file
    test = load_dataset("mnist", "test", mirrors=[bad_url, good])
    assert len(test.images) == 5


def test_unreachable_mirrors_give_a_clear_error(isolated):
    missing = (isolated / "nowhere").as_uri() + "/"
    with pytest.raises(DatasetNotFoundError, match="could not download"):
        load_dataset("fashion-mnist", "test", mirrors=[missing])


def test_unknown_names_and_splits_are_rejected(isolated):
    with pytest.raises(ValueError, match="unknown data set"):
        load_dataset("cifar")
    with pytest.raises(ValueError, match="unknown split"):
        load_dataset("mnist", "validation", download=False)


def test_offline_digits_are_real_balanced_mnist_digits():
    train, test = load_offline_digits("train"), load_offline_digits("test")
    assert train.images.shape == (4000, 28, 28) and test.images.shape == (1000, 28, 28)
    assert train.images.dtype == np.uint8 and train.images.max() == 255
    counts = np.bincount(test.labels, minlength=10)
    assert counts.min() > 60  # shuffled, not sorted by label
    assert "offline" in train.name


def _mnist_on_disk() -> bool:
    try:
        return datasets.find_folder(datasets.SPECS["mnist"], "train") is not None
    except DatasetNotFoundError:
        return True  # a given folder without the files: let the test fail and say so


def test_real_mnist_on_disk_loads_with_header_counts():
    if not _mnist_on_disk():
        why = (
            "MNIST is not on disk: run `snnedu data download mnist` once, or set "
            "SNNEDU_MNIST_DIR to a folder of its IDX files (.ci/run does)"
        )
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    train = load_dataset("mnist", "train", download=False)
    test = load_dataset("mnist", "test", download=False)
    assert train.images.shape[1:] == (28, 28) and len(train.labels) == len(train.images)
    assert len(test.images) == len(test.labels)
    assert set(np.unique(train.labels)) == set(range(10))


def test_or_offline_uses_files_on_disk_and_falls_back_to_offline_digits(isolated):
    from snnedu.data import load_dataset_or_offline

    make_idx_folder(isolated / "given", n_test=5)
    found, fell_back = load_dataset_or_offline("mnist", "test", folder=isolated / "given")
    assert not fell_back and len(found.images) == 5
    offline, fell_back = load_dataset_or_offline("mnist", "test")  # nothing anywhere, no download
    assert fell_back and "offline" in offline.name and len(offline.images) == 1000


# ---------------------------------------------------------------------------------------------
# a path the user gave is never silently replaced by the offline digits


@pytest.mark.parametrize("kind", ["missing", "empty", "file"])
def test_or_offline_refuses_a_given_folder_without_data_and_names_it(isolated, kind):
    from snnedu.data import load_dataset_or_offline

    given = isolated / "mnsit"  # a typo
    if kind == "empty":
        given.mkdir()
    elif kind == "file":
        given.write_text("not a folder")
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset_or_offline("mnist", "train", folder=given)
    assert str(given) in str(error.value)


@pytest.mark.parametrize("key", ["mnist", "fashion-mnist"])
def test_or_offline_refuses_a_mistyped_environment_variable_and_names_it(
    isolated, monkeypatch, key
):
    from snnedu.data import load_dataset_or_offline

    env_var = datasets.SPECS[key].env_var
    monkeypatch.setenv(env_var, str(isolated / "typo"))
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset_or_offline(key, "test")
    assert env_var in str(error.value) and str(isolated / "typo") in str(error.value)
    monkeypatch.setenv(env_var, "")  # set but empty counts as not given
    assert load_dataset_or_offline(key, "test")[1]


def test_offline_digits_refuse_a_data_folder(isolated):
    with pytest.raises(ValueError, match="offline digits"):
        load_dataset("offline", "train", folder=isolated)


def test_cli_with_a_mistyped_data_dir_exits_with_an_error_naming_it(isolated, capsys):
    from snnedu.cli import main

    typo = isolated / "mnsit"
    for command in (
        ["mnist", "train", "--size", "2", "--n-train", "2"],
        ["conv", "train", "--dataset", "mnist", "--n", "2"],
    ):
        output = isolated / "never.npz"
        status = main([*command, "--data-dir", str(typo), "--output", str(output)])
        printed = capsys.readouterr()
        assert status == 2 and str(typo) in printed.err, (command, printed.err)
        assert "offline" not in printed.out and not output.exists()
