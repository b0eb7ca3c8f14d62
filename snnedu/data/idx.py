"""Reading and writing IDX files, the format of MNIST and Fashion-MNIST (gzip or raw).

Layout (LeCun et al., MNIST database page): two zero bytes, a type code, the number of
dimensions, one big-endian uint32 per dimension, then the data in C order. The element
count comes from the header; a file whose length disagrees is rejected.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

_TYPE_CODES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXFormatError(ValueError):
    """An IDX file that cannot be read: wrong magic number, bad header or wrong length."""


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (gzip-compressed or raw) into a numpy array of native byte order.

    Raises
    ------
    IDXFormatError
        Naming the file and the problem if the file is damaged, truncated or not IDX.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise IDXFormatError(
                f"{path}: the gzip stream is damaged ({error}); "
                "delete the file and download it again."
            ) from None
    return parse_idx(raw, source=str(path))


def parse_idx(raw: bytes, source: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an uncompressed IDX file.

    Parameters
    ----------
    raw : bytes
        The whole file: magic number, big-endian sizes, data.
    source : str
        What the error messages call the bytes (a file name).

    Returns
    -------
    numpy.ndarray
        A copy of the data in native byte order, shaped as the header says.

    Raises
    ------
    IDXFormatError
        If the magic number is wrong or the length does not match the header.
    """
    if len(raw) < 4:
        raise IDXFormatError(f"{source}: only {len(raw)} bytes, too short for an IDX header.")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in _TYPE_CODES:
        raise IDXFormatError(
            f"{source}: not an IDX file (magic number {raw[:4].hex()}); is this the right file?"
        )
    dtype = _TYPE_CODES[raw[2]]
    n_dims = raw[3]
    header_length = 4 + 4 * n_dims
    if n_dims == 0 or len(raw) < header_length:
        raise IDXFormatError(f"{source}: header declares {n_dims} dimensions but is truncated.")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=n_dims, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(raw) - header_length
    if actual != expected:
        raise IDXFormatError(
            f"{source}: header says shape {shape} ({expected} data bytes) but the file has "
            f"{actual}; the file is {'truncated' if actual < expected else 'too long'}. "
            "Delete it and download it again."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_length).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file and return its path.

    Parameters
    ----------
    path : path
        The file to write.
    array : array
        uint8, int8, int16, int32, float32 or float64 data of any shape.
    compress : bool, optional
        Gzip the file; by default only when the name ends in ``.gz``.

    Raises
    ------
    ValueError
        If IDX cannot store the array's dtype.
    """
    path = Path(path)
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in _TYPE_CODES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(
            f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, "
            "float32 or float64."
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + array.astype(_TYPE_CODES[code], copy=False).tobytes()
    if compress if compress is not None else path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    path.write_bytes(payload)
    return path
