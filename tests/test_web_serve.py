"""``integration-index serve`` on the command line, and the app under load on a real server:
50 clients saving their own profiles at once and two saving the same one."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import Cli
from webapp import card_scores, hidden, require_web, server

import integration_index as ii
from integration_index._cli import serve as serve_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """uvicorn's server does not run: the command's set-up is what is tested."""
    require_web()
    import uvicorn

    runs: list[object] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: runs.append(self))
    return runs


def test_serve_prints_the_loopback_address_and_warns_of_nothing(
    cli: Cli, tmp_path: Path, no_server: list[object]
) -> None:
    result = cli("serve", tmp_path / "new-folder", "--port", "0")
    assert result.returncode == 0, result.stderr
    assert re.search(r"Open http://127\.0\.0\.1:\d+/ in a browser", result.stdout)
    assert "warning" not in result.stderr
    assert (tmp_path / "new-folder").is_dir()  # created if missing
    assert len(no_server) == 1


def test_serve_on_another_address_warns_that_there_is_no_login(
    cli: Cli, tmp_path: Path, no_server: list[object]
) -> None:
    result = cli("serve", tmp_path, "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 0
    assert "warning: listening on 0.0.0.0: there is no login" in result.stderr


def test_serve_without_the_extra_says_what_to_install(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_command, "missing_modules", lambda: ["starlette", "uvicorn"])
    result = cli("serve", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "integration-index serve needs the web extra (starlette, uvicorn missing); "
        'install it with: pip install "integration-index[web]"'
    )


def test_serve_refuses_a_bad_port(cli: Cli, tmp_path: Path, no_server: list[object]) -> None:
    result = cli("serve", tmp_path, "--port", "70000")
    assert result.returncode == 2 and "expected 0 to 65535" in result.stderr


def test_serve_opens_the_shipped_examples_on_a_real_server(tmp_path: Path) -> None:
    require_web()
    import httpx

    folder = tmp_path / "profiles"
    shutil.copytree(ROOT / "examples" / "profiles", folder)
    with server(folder) as base, httpx.Client(base_url=base) as http:
        page = http.get("/profile", params={"name": "eurocities/rivermouth-2024.toml"}).text
    card = ii.score(ii.load_profile(folder / "eurocities/rivermouth-2024.toml"))
    assert card_scores(page)["overall"] == repr(card.score)


# -- load --------------------------------------------------------------------------------------


def _client_saves(base: str, index: int, failures: list[str]) -> None:
    import httpx

    name = f"city-{index:02d}"
    rating = ("planned", "partly", "largely", "fully")[index % 4]
    try:
        with httpx.Client(base_url=base, timeout=120, follow_redirects=True) as http:
            new_page = http.get("/new").text
            token = hidden(new_page, "csrf")
            created = http.post(
                "/new",
                data={
                    "csrf": token,
                    "file": name,
                    "frameworks": "eurocities",
                    "city.id": name,
                    "city.name": f"City {index}",
                    "assessment.date": "2025-01-01",
                },
            )
            page = http.get(
                "/factor",
                params={"name": f"{name}.toml", "framework": "eurocities", "criterion": "02"},
            ).text
            assert created.status_code == 200 and 'id="saved"' in created.text
            saved = http.post(
                "/factor",
                data={
                    "csrf": token,
                    "name": f"{name}.toml",
                    "version": hidden(page, "version"),
                    "framework": "eurocities",
                    "criterion": "02",
                    "new[0].criterion": "02.1",
                    "new[0].rating": rating,
                    "new[0].source": "document",
                    "new[0].note": f"client {index}",
                },
            )
            assert saved.status_code == 200 and 'id="saved"' in saved.text
    except Exception as exc:  # reported by the test, with the client's number
        failures.append(f"client {index}: {exc!r}")


def _same_profile(base: str, version: str, token: str, note: str, out: dict[str, int]) -> None:
    import httpx

    with httpx.Client(base_url=base, timeout=120, follow_redirects=True) as http:
        response = http.post(
            "/factor",
            data={
                "csrf": token,
                "name": "shared.toml",
                "version": version,
                "framework": "eurocities",
                "criterion": "01",
                "new[0].criterion": "01.1",
                "new[0].rating": "largely",
                "new[0].source": "document",
                "new[0].note": note,
            },
        )
    out[note] = response.status_code


def test_fifty_clients_save_their_profiles_and_two_race_on_one(tmp_path: Path) -> None:
    require_web()
    import httpx

    folder = tmp_path / "profiles"
    folder.mkdir()
    with server(folder) as base:
        with httpx.Client(base_url=base) as http:
            token = hidden(http.get("/new").text, "csrf")
            http.post(
                "/new",
                data={
                    "csrf": token,
                    "file": "shared",
                    "frameworks": "eurocities",
                    "city.id": "shared",
                    "city.name": "Shared",
                    "assessment.date": "2025-01-01",
                },
            )
            version = hidden(
                http.get(
                    "/factor",
                    params={"name": "shared.toml", "framework": "eurocities", "criterion": "01"},
                ).text,
                "version",
            )
        failures: list[str] = []
        races: dict[str, int] = {}
        threads = [
            threading.Thread(target=_client_saves, args=(base, i, failures)) for i in range(50)
        ]
        threads += [
            threading.Thread(target=_same_profile, args=(base, version, token, note, races))
            for note in ("tab one", "tab two")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert failures == []
    for index in range(50):
        profile = ii.load_profile(folder / f"city-{index:02d}.toml")
        rating = ("planned", "partly", "largely", "fully")[index % 4]
        assert [(e.criterion, e.rating, e.note) for e in profile.evidence] == [
            ("02.1", rating, f"client {index}")
        ]
    assert sorted(races.values()) == [200, 409]  # one saved (after its redirect), one refused
    winner = next(note for note, status in races.items() if status == 200)
    assert [e.note for e in ii.load_profile(folder / "shared.toml").evidence] == [winner]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["shared.toml", *(f"city-{i:02d}.toml" for i in range(50))]
    )


class _Bound:
    """A socket stand-in on port 8000 (the default), so that nothing listens during the test."""

    def getsockname(self) -> tuple[str, int]:
        return ("127.0.0.1", 8000)


def test_the_guide_shows_serve_commands_the_parser_takes_and_its_real_output(
    cli: Cli, tmp_path: Path, no_server: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide shows ``serve`` in text blocks (it would not return if run): each command
    parses, and the output it shows is what ``serve`` prints."""
    import shlex

    from integration_index._cli.parser import build_parser

    guide = (ROOT / "docs" / "guides" / "web-app.md").read_text(encoding="utf-8")
    commands = [
        line.removeprefix("$ ")
        for line in guide.splitlines()
        if line.removeprefix("$ ").startswith("integration-index serve")
    ]
    assert len(commands) == 4
    for command in commands:
        args = build_parser().parse_args(shlex.split(command)[1:])
        assert args.command == "serve"
    monkeypatch.setattr(serve_command, "bind", lambda host, port: _Bound())
    result = cli("serve", tmp_path / "my-profiles")
    assert result.stdout.splitlines() == [
        f"Serving the profiles in {(tmp_path / 'my-profiles').resolve()}",
        "Open http://127.0.0.1:8000/ in a browser (Ctrl-C to stop).",
    ]
    assert "Open http://127.0.0.1:8000/ in a browser (Ctrl-C to stop)." in guide


def test_serve_runs_as_a_process_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """A smoke test of the real command: it serves, answers, and Ctrl-C (SIGINT) ends it with
    exit code 0."""
    require_web()
    import signal
    import subprocess
    import sys

    import httpx

    shutil.copytree(ROOT / "examples" / "profiles", tmp_path / "profiles")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integration_index",
            "serve",
            str(tmp_path / "profiles"),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Serving the profiles in ")
        match = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
        assert match
        assert (
            httpx.get(match.group(0) + "profile?name=gfmd/nova-aurelia-2024.toml").status_code
            == 200
        )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
