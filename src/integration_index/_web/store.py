"""The folder of profiles the app serves: safe names, versions, and atomic, checked saves.

A profile's name is its path relative to the folder, with ``/`` between parts. A name can never
point outside the folder: parts are plain file names (no ``..``, no absolute path, no hidden
file), and the path, symbolic links resolved, must stay inside it. A save names the version of
the file it was made from (a digest of its bytes): when the file has changed since, the save is
refused, never silently written over. A save writes a temporary file beside the target, flushes
it to disk and renames it over the target, so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["BadName", "Conflict", "ProfileStore", "Stored", "version_of"]

_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
_MAX_PARTS = 8


class BadName(ValueError):
    """A profile name that is not a plain path to a ``.toml`` file inside the folder."""


class Conflict(Exception):
    """The file changed (or appeared) since the version a save was made from."""


def version_of(data: bytes) -> str:
    """The version of a file's content: its SHA-256, in hex."""
    return hashlib.sha256(data).hexdigest()


class Stored:
    """A profile file as read: its name, text and version."""

    __slots__ = ("name", "text", "version")

    def __init__(self, name: str, text: str, version: str) -> None:
        self.name = name
        self.text = text
        self.version = version


class ProfileStore:
    """The profiles of one folder (created if missing); thread-safe saves."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        path = Path(root)
        path.mkdir(parents=True, exist_ok=True)
        self.root = Path(os.path.realpath(path))
        self._locks: dict[Path, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    # -- names -------------------------------------------------------------------------------

    def path_of(self, name: str) -> Path:
        """The file a name stands for; :class:`BadName` when it is not a safe name."""
        if not isinstance(name, str) or not name or len(name) > 400:
            raise BadName("a profile name is a relative path ending in .toml")
        parts = name.split("/")
        if len(parts) > _MAX_PARTS or not all(_PART.match(part) for part in parts):
            raise BadName(
                "a profile name is made of plain file names (letters, digits, '.', '_', '-'), "
                "separated by '/'"
            )
        if any(part in (".", "..") for part in parts) or not name.endswith(".toml"):
            raise BadName("a profile name may not contain '..' and must end in .toml")
        target = self.root.joinpath(*parts)
        real = Path(os.path.realpath(target))
        if real != self.root and self.root not in real.parents:
            raise BadName("this name points outside the folder")
        if real.exists() and not real.is_file():
            raise BadName("this name is not a regular file")
        return real

    def names(self) -> list[str]:
        """Every profile in the folder and its subfolders (not following links out of it)."""
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(files):
                if not file.endswith(".toml") or file.startswith("."):
                    continue
                name = Path(folder, file).relative_to(self.root).as_posix()
                with contextlib.suppress(BadName):
                    self.path_of(name)
                    found.append(name)
        return found

    # -- reading and writing -----------------------------------------------------------------

    def read(self, name: str) -> Stored:
        """The file's text and version; FileNotFoundError when it does not exist."""
        data = self.path_of(name).read_bytes()
        return Stored(name, data.decode("utf-8", errors="replace"), version_of(data))

    @contextlib.contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        with self._locks_lock:
            lock = self._locks.setdefault(path, threading.Lock())
        with lock:
            yield

    def save(self, name: str, text: str, version: str) -> str:
        """Replace the file, made from *version*, with *text*; return the new version.

        Raises:
            Conflict: the file is not at *version* any more (or no longer exists).
        """
        path = self.path_of(name)
        data = text.encode("utf-8")
        with self._locked(path):
            try:
                current = version_of(path.read_bytes())
            except FileNotFoundError:
                raise Conflict("the file no longer exists") from None
            if current != version:
                raise Conflict("the file has changed since it was opened")
            _atomic_write(path, data)
        return version_of(data)

    def create(self, name: str, text: str) -> str:
        """Write a new file; return its version.

        Raises:
            Conflict: a file of that name exists already (it is left untouched).
            FileNotFoundError: its folder does not exist.
        """
        path = self.path_of(name)
        data = text.encode("utf-8")
        with self._locked(path):
            _atomic_write(path, data, replace=False)
        return version_of(data)


def _atomic_write(path: Path, data: bytes, replace: bool = True) -> None:
    """Write *data* to a temporary file beside *path*, flush it to disk, and move it into place
    (``os.replace``; or ``os.link`` when *replace* is False, which refuses an existing file)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):  # the old file's permissions, else rw-r--r--
            os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        if replace:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise Conflict("a profile of that name exists already") from None
            os.unlink(temporary)
        _sync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (POSIX; a no-op where it cannot be)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
