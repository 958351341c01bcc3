"""Nothing written destroys data: output targets, empty runs, signals, full disks, closed pipes.

The cases are described in tests/data/bad/output/README.txt; each class runs through the real
console script (a subprocess), the rest in process. Special files (a FIFO, a device node) are
made in the test's own temporary folder, never the machine's /dev.
"""

from __future__ import annotations

import errno
import importlib.metadata
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from integration_index import Registry

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
PROFILE = EXAMPLES / "eurocities" / "lindenburg-2024.toml"
SCRIPT = Path(sys.executable).with_name("integration-index")
OLD = "the previous results\n"


def run(
    *args: str | os.PathLike[str], cwd: Path, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """The real console script, run in *cwd*."""
    return subprocess.run(
        [_script(), *(os.fspath(arg) for arg in args)],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _script() -> str:
    found = SCRIPT if SCRIPT.exists() else shutil.which("integration-index")
    if found is None:
        pytest.skip("the integration-index console script is not installed")
    return os.fspath(found)


def _env() -> dict[str, str]:
    env = {**os.environ, "CI": "true"}
    env.pop("INTEGRATION_INDEX_BLOCK_PLUGINS", None)
    return env


def _temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    copy = tmp_path / "c.toml"
    shutil.copyfile(PROFILE, copy)
    return copy


# -- an output that is also an input is refused --------------------------------------------


def test_score_onto_its_own_input_is_refused_by_the_console_script(
    tmp_path: Path, profile: Path
) -> None:
    before = profile.read_bytes()
    result = run("score", "c.toml", "-o", "c.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert "is also an input of this run" in result.stderr
    assert "Traceback" not in result.stderr
    assert profile.read_bytes() == before
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize(
    ("argv", "output"),
    [
        (["score", "{dir}/c.toml"], "{dir}/./c.toml"),  # another spelling of the same file
        (["score", "{dir}/link.toml"], "{dir}/c.toml"),  # through a link
        (["score", "{dir}"], "{dir}/sub/new.toml"),  # a *.toml file the walk would read
        (["score", "{dir}/*.toml"], "{dir}/c.toml"),  # a file the glob matches
        (["report", "{dir}/c.toml"], "{dir}/c.toml"),
        (["plan", "{dir}/c.toml"], "{dir}/c.toml"),
        (["progress", "{dir}/c.toml", "{dir}/d.toml"], "{dir}/d.toml"),
        (["compare", "{dir}", "--framework", "eurocities"], "{dir}/c.toml"),
        (["score", "{dir}/c.toml", "--framework-file", "{dir}/f.toml"], "{dir}/f.toml"),
        (["init", "--framework-file", "{dir}/f.toml", "--force"], "{dir}/f.toml"),
    ],
)
def test_every_command_refuses_to_write_over_an_input(
    cli: Cli, tmp_path: Path, profile: Path, argv: list[str], output: str
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.toml").symlink_to(profile)
    (tmp_path / "d.toml").write_bytes(profile.read_bytes())
    (tmp_path / "f.toml").write_text("not a framework\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in tmp_path.glob("*.toml")}
    args = [arg.format(dir=tmp_path) for arg in argv]
    target = output.format(dir=tmp_path)
    args += [target] if argv[0] == "init" else ["-o", target]
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert "is also an input of this run" in result.stderr
    assert {path: path.read_bytes() for path in tmp_path.glob("*.toml")} == before
    assert not (tmp_path / "sub" / "new.toml").exists()


def test_a_new_file_beside_the_input_is_fine(cli: Cli, tmp_path: Path, profile: Path) -> None:
    result = cli("score", profile, "--format", "csv", "-o", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("source,")


# -- '-' is standard output; devices and FIFOs are written in place --------------------------


def test_dash_means_standard_output_through_the_console_script(
    tmp_path: Path, profile: Path
) -> None:
    result = run("score", "c.toml", "--format", "csv", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("source,")
    assert "Lindenburg" in result.stdout
    assert not (tmp_path / "-").exists()
    assert "wrote" not in result.stderr


def test_init_dash_prints_the_template(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "-", "--framework", "eurocities")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# City profile for")


def test_a_fifo_is_written_in_place_through_the_console_script(
    tmp_path: Path, profile: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run("score", "c.toml", "--format", "csv", "-o", fifo, cwd=tmp_path, timeout=20)
    reader.join(timeout=10)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"source,")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert _temporaries(tmp_path) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod of a device needs root"
)
def test_a_device_is_written_in_place(cli: Cli, tmp_path: Path, profile: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of the test's own
    result = cli("score", profile, "--format", "csv", "-o", device)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(device.stat().st_mode)
    assert _temporaries(tmp_path) == []


# -- a run that wrote nothing leaves the old output alone -----------------------------------


def test_a_typo_in_the_input_keeps_the_previous_results_through_the_console_script(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")
    result = run("score", "typo/", "--format", "csv", "-o", "out.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert "nothing scored; out.csv was not changed" in result.stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert _temporaries(tmp_path) == []


def test_only_bad_profiles_keep_the_previous_results(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text(OLD, encoding="utf-8")
    bad = ROOT / "tests" / "data" / "bad" / "malformed.toml"
    result = cli("score", bad, "--format", "json", "-o", out)
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == OLD


def test_compare_that_ranks_nothing_keeps_the_previous_ranking(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "ranking.md"
    out.write_text(OLD, encoding="utf-8")
    result = cli("compare", tmp_path / "typo", "--framework", "eurocities", "-o", out)
    assert result.returncode == 1
    assert f"nothing ranked; {out} was not changed" in result.stderr
    assert out.read_text(encoding="utf-8") == OLD


def test_report_of_a_missing_profile_keeps_the_previous_report(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text(OLD, encoding="utf-8")
    result = cli("report", tmp_path / "typo.toml", "-o", out)
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == OLD


# -- SIGTERM is Ctrl-C ----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_leaves_the_old_output_and_no_temporary_file(tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    text = PROFILE.read_bytes()
    for index in range(2500):
        (many / f"c{index:04}.toml").write_bytes(text)
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")
    process = subprocess.Popen(
        [_script(), "score", "many", "--format", "csv", "-o", "out.csv", "--no-progress"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not _temporaries(tmp_path) and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be terminated"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 143, stderr
    assert "interrupted; no output file was changed" in stderr
    assert "Traceback" not in stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert _temporaries(tmp_path) == []


# -- a full disk or a closed pipe: one line, exit code 1 ------------------------------------


def test_a_closed_pipe_gives_one_line_and_exit_code_1(tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    text = PROFILE.read_bytes()
    for index in range(400):  # more rows than a pipe buffers
        (many / f"c{index:03}.toml").write_bytes(text)
    process = subprocess.Popen(
        [_script(), "score", "many", "--format", "tidy-csv", "--no-progress"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"source,")
        process.stdout.close()  # like `| head -1`
        stderr = process.stderr.read().decode()
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1, stderr
    assert stderr.splitlines() == [
        "integration-index score: error: cannot write standard output: the reader closed the pipe"
    ]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_a_full_disk_gives_one_line_and_keeps_the_old_file(
    cli: Cli, tmp_path: Path, profile: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")

    def full(descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    result = cli("score", profile, "--format", "csv", "-o", out)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"integration-index score: error: cannot write {out}: {os.strerror(code)}"
    )
    assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert _temporaries(tmp_path) == []


def test_other_os_errors_are_not_disguised(
    cli: Cli, profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(descriptor: int) -> None:
        raise OSError(errno.EBADF, "bad descriptor")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="bad descriptor"):
        cli("score", profile, "-o", tmp_path / "out.txt")


# -- init checks its target -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/new.toml", "FILE 'missing/new.toml': the directory 'missing' does not exist"),
        ("folder", "FILE 'folder' is a directory; expected a file path"),
        ("c.toml", "c.toml exists; use --force to overwrite it"),
    ],
)
def test_init_checks_its_target_through_the_console_script(
    tmp_path: Path, profile: Path, target: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    before = profile.read_bytes()
    result = run("init", target, "--framework", "eurocities", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"integration-index init: error: {message}"
    assert profile.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml", "folder"]


# -- a failed plugin is named, and the run carries on ---------------------------------------


@pytest.fixture
def broken_registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    real = list(importlib.metadata.entry_points(group="integration_index"))
    broken = importlib.metadata.EntryPoint(
        "broken", "no_such_module_for_integration_index", "integration_index"
    )

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        return [*real, broken]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return Registry(blocked=())


@pytest.mark.parametrize("command", ["score", "report"])
def test_score_and_report_name_a_failed_plugin(
    cli: Cli, broken_registry: Registry, command: str
) -> None:
    result = cli(command, PROFILE, registry=broken_registry)
    assert result.returncode == 0, result.stderr
    assert "warning: plugin 'broken'" in result.stderr
    assert "Lindenburg" in result.stdout
