"""IDX files: round trips, headers and every way a file can be broken."""

import gzip

import numpy as np
import pytest

from snnedu.data.idx import IDXFormatError, read_idx, write_idx


@pytest.mark.parametrize("suffix", [".gz", ""])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_write_then_read_gives_the_same_array(tmp_path, suffix, dtype):
    array = (np.arange(3 * 4 * 5) - 7).reshape(3, 4, 5).astype(dtype)
    path = write_idx(tmp_path / f"a-idx3{suffix}", array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_counts_come_from_the_header_not_from_assumptions(tmp_path):
    images = np.zeros((37, 28, 28), dtype=np.uint8)
    labels = np.arange(37, dtype=np.uint8) % 10
    assert read_idx(write_idx(tmp_path / "i.gz", images)).shape == (37, 28, 28)
    assert read_idx(write_idx(tmp_path / "l.gz", labels)).shape == (37,)


def test_big_endian_layout_matches_the_published_format(tmp_path):
    # magic 0x00000803 for uint8 3-D, then big-endian uint32 dimensions
    path = write_idx(tmp_path / "x", np.zeros((2, 3, 4), np.uint8))
    raw = path.read_bytes()
    assert raw[:4] == bytes([0, 0, 8, 3])
    assert raw[4:16] == bytes([0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4])
    assert len(raw) == 16 + 24


def test_truncated_file_is_rejected_with_a_clear_message(tmp_path):
    path = write_idx(tmp_path / "t", np.ones((10, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(IDXFormatError, match="truncated"):
        read_idx(path)


def test_wrong_magic_number_is_rejected(tmp_path):
    path = tmp_path / "not-idx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(IDXFormatError, match="not an IDX file"):
        read_idx(path)


def test_damaged_gzip_stream_is_rejected(tmp_path):
    data = gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 50]) + bytes(50))
    path = tmp_path / "d.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IDXFormatError, match="damaged"):
        read_idx(path)


def test_header_shorter_than_declared_dimensions_is_rejected(tmp_path):
    path = tmp_path / "h"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 1]))
    with pytest.raises(IDXFormatError, match="truncated"):
        read_idx(path)


def test_unsupported_dtype_cannot_be_written(tmp_path):
    with pytest.raises(ValueError, match="dtype"):
        write_idx(tmp_path / "c", np.zeros(3, dtype=np.complex64))
