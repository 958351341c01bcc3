"""Attacks on the web app: cross-site requests, other hosts, path traversal and symbolic links,
oversized bodies, and hostile strings in every field. Each is refused or escaped, and no file
outside the folder changes."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import markupsafe
import pytest
from webapp import TOKEN, client, hidden, require_web

import integration_index as ii

ROOT = Path(__file__).resolve().parent.parent

#: The hostile strings of the reports' safety tests: script, event handlers, links, style
#: breakers, SVG, bidirectional controls, and a 10,000-character word.
HOSTILE = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "javascript:window.__pwned=1",
    "</style><style>body{display:none}</style>",
    '<svg onload="window.__pwned=1"><a xlink:href="javascript:alert(1)">x</a></svg>',
    "\u202eevil\u202c \u2066bidi\u2069 \u200f",
    '"><b onmouseover=alert(1)>x</b>',
    "line\u2028separator\x85next\x1b[31mred",
    "W" * 10_000,
)
RAW_MARKERS = ("<script>window", "<img src=x", "<svg onload", "</style><style>", "<b onmouseover")


@pytest.fixture(autouse=True)
def _web() -> None:
    require_web()


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under *folder* (not following links) with a digest of its content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """The served folder (a copy of the examples) and a secret file beside it, outside."""
    folder = tmp_path / "served"
    shutil.copytree(ROOT / "examples" / "profiles" / "eurocities", folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.toml").write_text('schema = 1\nsecret = "do not touch"\n', encoding="utf-8")
    return folder, outside


def _factor_form(folder: Path, name: str = "rivermouth-2024.toml") -> dict[str, str]:
    with client(folder) as c:
        page = c.get(f"/factor?name={name}&framework=eurocities&criterion=01").text
    return {
        "csrf": TOKEN,
        "name": name,
        "version": hidden(page, "version"),
        "framework": "eurocities",
        "criterion": "01",
        "new[0].criterion": "01.1",
        "new[0].rating": "largely",
        "new[0].source": "document",
        "drop_comments": "yes",
    }


# -- cross-site requests and hosts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "token", "status"),
    [
        ({}, None, 403),  # a cross-site form cannot know the token
        ({}, "wrong-token", 403),
        ({"Origin": "http://evil.example"}, TOKEN, 403),  # even with the token
        ({"Origin": "null"}, TOKEN, 403),
        ({"Sec-Fetch-Site": "cross-site"}, TOKEN, 403),
        ({"Origin": "http://testserver"}, TOKEN, 303),  # the app's own page
    ],
    ids=["no-token", "wrong-token", "other-origin", "null-origin", "cross-site-fetch", "same"],
)
def test_a_state_changing_request_needs_the_token_and_the_same_origin(
    world: tuple[Path, Path], headers: dict[str, str], token: str | None, status: int
) -> None:
    folder, _ = world
    form = _factor_form(folder)
    if token is None:
        del form["csrf"]
    else:
        form["csrf"] = token
    before = _snapshot(folder.parent)
    with client(folder) as c:
        response = c.post("/factor", data=form, headers=headers, follow_redirects=False)
    assert response.status_code == status
    if status != 303:
        assert _snapshot(folder.parent) == before


def test_the_preview_needs_the_token_too(world: tuple[Path, Path]) -> None:
    folder, _ = world
    form = _factor_form(folder)
    del form["csrf"]
    with client(folder) as c:
        assert c.post("/preview", data=form).status_code == 403
        assert c.post("/preview", data=form, headers={"X-CSRF-Token": TOKEN}).status_code == 200


def test_a_request_for_another_host_is_refused(world: tuple[Path, Path]) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1."""
    folder, _ = world
    with client(folder, hosts=["127.0.0.1", "localhost"]) as c:
        assert c.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
        assert c.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_pages_forbid_scripts_and_frames_from_elsewhere(world: tuple[Path, Path]) -> None:
    folder, _ = world
    with client(folder) as c:
        response = c.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


# -- names that point outside the folder ---------------------------------------------------------


TRAVERSALS = (
    "../outside/secret.toml",
    "../../etc/passwd",
    "/etc/passwd",
    "a/../../outside/secret.toml",
    "..",
    "./rivermouth-2024.toml",
    ".hidden.toml",
    "rivermouth-2024.toml/../../outside/secret.toml",
    "C:\\Windows\\win.ini",
    "x\x00.toml",
    "a" * 500 + ".toml",
    "link/secret.toml",
    "leak.toml",
)


@pytest.mark.parametrize("name", TRAVERSALS, ids=range(len(TRAVERSALS)))
def test_a_name_never_reaches_outside_the_folder(world: tuple[Path, Path], name: str) -> None:
    folder, outside = world
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "leak.toml").symlink_to(outside / "secret.toml")
    before = _snapshot(outside)
    with client(folder) as c:
        for url in ("/profile", "/settings", "/report", "/plan"):
            response = c.get(url, params={"name": name})
            assert response.status_code in (400, 404), (url, response.status_code)
            assert "do not touch" not in response.text
        form = {**_factor_form(folder), "name": name}
        assert c.post("/factor", data=form).status_code in (400, 404)
        settings = {"csrf": TOKEN, "name": name, "version": form["version"], "city.id": "x"}
        assert c.post("/settings", data=settings).status_code in (400, 404)
        new = {
            "csrf": TOKEN,
            "file": name,
            "frameworks": "eurocities",
            "city.id": "x",
            "city.name": "X",
            "assessment.date": "2025-01-01",
        }
        assert c.post("/new", data=new).status_code in (400, 422)
        assert c.get("/review", params={"name": name}).status_code in (400, 404)
    assert _snapshot(outside) == before
    assert not (folder.parent / "etc").exists()


def test_the_folder_listing_does_not_follow_links_out_of_it(world: tuple[Path, Path]) -> None:
    folder, outside = world
    (folder / "leak.toml").symlink_to(outside / "secret.toml")
    with client(folder) as c:
        page = c.get("/").text
    assert "leak.toml" not in page and "secret" not in page


# -- sizes -------------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_it_is_read(world: tuple[Path, Path]) -> None:
    folder, _ = world
    before = _snapshot(folder.parent)
    form = _factor_form(folder)
    form["new[0].note"] = "x" * (3 * 1024 * 1024)
    with client(folder) as c:
        assert c.post("/factor", data=form).status_code == 413
        chunked = c.post(
            "/factor",
            content=iter([b"csrf=" + TOKEN.encode(), b"&a=" + b"y" * (3 * 1024 * 1024)]),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert chunked.status_code == 413
    assert _snapshot(folder.parent) == before


def test_file_uploads_are_refused(world: tuple[Path, Path]) -> None:
    folder, _ = world
    form = _factor_form(folder)
    with client(folder) as c:
        response = c.post("/factor", data=form, files={"upload": ("a.txt", b"data")})
    assert response.status_code == 400


# -- hostile strings ----------------------------------------------------------------------------


def _no_raw_payload(page: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in page, marker
    assert "javascript:" not in re.findall(r'(?:href|src|action)="([^"]*)"', page)
    assert all(not url.startswith("javascript:") for url in re.findall(r'href="([^"]*)"', page))


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_every_field_are_stored_exactly_and_shown_escaped(
    tmp_path: Path, payload: str
) -> None:
    folder = tmp_path / "served"
    folder.mkdir()
    with client(folder) as c:
        created = c.post(
            "/new",
            data={
                "csrf": TOKEN,
                "file": "hostile",
                "frameworks": "eurocities",
                "city.id": "hostile",
                "city.name": payload,
                "city.country": payload,
                "assessment.date": "2025-01-01",
                "assessment.assessors": payload,
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text[:300]
        page = c.get("/settings?name=hostile.toml").text
        settings = c.post(
            "/settings",
            data={
                "csrf": TOKEN,
                "name": "hostile.toml",
                "version": hidden(page, "version"),
                "city.id": "hostile",
                "city.name": payload,
                "city.country": payload,
                "city.region": payload,
                "assessment.date": "2025-01-01",
                "assessment.assessors": payload,
                "assessment.title": payload,
                "assessment.notes": payload,
                "context.eurocities.national-legislation": payload,
                "exclusion.eurocities.07": "yes",
                "exclusion.eurocities.07.reason": payload,
            },
            follow_redirects=False,
        )
        assert settings.status_code == 303, settings.text[:300]
        page = c.get("/factor?name=hostile.toml&framework=eurocities&criterion=01").text
        answer = c.post(
            "/factor",
            data={
                "csrf": TOKEN,
                "name": "hostile.toml",
                "version": hidden(page, "version"),
                "framework": "eurocities",
                "criterion": "01",
                "new[0].criterion": "01.1",
                "new[0].rating": "largely",
                "new[0].source": "document",
                "new[0].reference": payload,
                "new[0].assessor": payload,
                "new[0].note": payload,
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text[:300]
        pages = [
            c.get(url).text
            for url in (
                "/",
                "/profile?name=hostile.toml",
                "/settings?name=hostile.toml",
                "/factor?name=hostile.toml&framework=eurocities&criterion=01",
                "/report?name=hostile.toml",
                "/plan?name=hostile.toml&framework=eurocities",
            )
        ]
        conflict = c.post(
            "/factor",
            data={
                "csrf": TOKEN,
                "name": "hostile.toml",
                "version": "old",
                "framework": "eurocities",
                "criterion": "01",
                "new[0].note": payload,
            },
        )
        pages.append(conflict.text)
        assert conflict.status_code == 409
    profile = ii.load_profile(folder / "hostile.toml")
    assert profile.city.name == payload.strip() and profile.city.region == payload.strip()
    assert profile.assessment.notes == payload.strip()
    assert profile.evidence[0].note == payload.strip()
    assert profile.exclusions[0].reason == payload.strip()
    assert profile.context["eurocities"]["national-legislation"] == payload.strip()
    for shown in pages:
        _no_raw_payload(shown)
    assert str(markupsafe.escape(payload.strip())) in pages[2]  # the settings form, escaped
    assert sorted(os.listdir(folder)) == ["hostile.toml"]
