"""Reading input files: exactly the file's bytes, never more than the limit plus one.

``read_text`` asks the system for the file's size and reads that much (plus one byte, to see the
end) instead of a buffer the size of the limit; these tests check that whatever the size, the
guess and the limit, the text read is the file's, and that a file over the limit is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration_index._io.toml import MAX_INPUT_BYTES_VARIABLE, _read_at_most, read_text
from integration_index.exceptions import ProfileError

SIZES = st.sampled_from([0, 1, 2, 100, 65535, 65536, 65537, 140000]) | st.integers(0, 3000)


@given(size=SIZES, most=st.integers(1, 150000), guess=st.integers(0, 200000))
def test_at_most_reads_the_files_bytes_whatever_the_size_guess(
    tmp_path_factory: pytest.TempPathFactory, size: int, most: int, guess: int
) -> None:
    path = tmp_path_factory.mktemp("read") / "f"
    content = bytes(i % 251 for i in range(size))
    path.write_bytes(content)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_at_most(fd, most, guess) == content[:most]
    finally:
        os.close(fd)


@pytest.mark.parametrize("size", [0, 9, 10, 11, 70000])
def test_read_text_refuses_a_file_over_the_limit_and_reads_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    limit = 10 if size < 70000 else 69999
    monkeypatch.setenv(MAX_INPUT_BYTES_VARIABLE, str(limit))
    path = tmp_path / "p.toml"
    path.write_text("x" * size, encoding="utf-8")
    if size > limit:
        with pytest.raises(ProfileError, match="larger than the limit"):
            read_text(path, ProfileError)
    else:
        assert read_text(path, ProfileError) == "x" * size
