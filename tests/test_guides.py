"""The guides are true, and the documentation site builds.

Every fenced block of ``docs/index.md`` and ``docs/guides/*.md`` is run or checked, page by page,
in the order of the page:

* ```python blocks run in one fresh namespace per page, so a block may use what an earlier block
  of the same page defined.
* ```bash and ```console blocks: every ``integration-index ...`` command (and
  ``python -m integration_index ...``) runs in process, through
  ``integration_index._cli.main.main(argv)``, and must exit 0. Lines are split with ``shlex``;
  a ``\\`` at the end of a line continues the command, ``cmd1 && cmd2`` runs both, and an unquoted
  glob is expanded as the shell would. In a console block, only the lines that start with ``$ ``
  are commands: the rest is output, which ``tests/test_doc_examples.py`` compares (for a block
  that starts with ``$ integration-index``).
* Two kinds of shell command are **not** run, and nothing else is skipped: ``pip install`` (the
  test runs in an environment where the package is already installed; the local paths it installs
  must exist in the repository) and ``python -m pytest`` (the test suite itself).
* ```toml blocks must parse; ```text blocks are prose. Any other language fails the test: a guide
  holds no block that nothing checks.

Where the examples run: each page runs in a fresh temporary directory holding a copy of the
repository's ``examples/`` (the only files the guides read), with that directory as the working
directory. The guides are written for the root of a clone, so ``examples/...`` paths read the same
as there, while whatever a guide writes (``scores.csv``, ``my-city-2025.toml``, ...) lands in the
temporary directory instead of the repository.

The last test builds the site with ``mkdocs build --strict`` (a broken link, a page missing from
the nav or a docstring warning fails it). It skips when MkDocs is not installed, except in CI
(``CI`` set), where that is a failure: install the ``docs`` extra.
"""

from __future__ import annotations

import contextlib
import glob
import importlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

import integration_index as ii
from integration_index._cli.main import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [DOCS / "index.md", *sorted((DOCS / "guides").glob("*.md"))]
GUIDES = [
    "apps.md",
    "plugin-authors.md",
    "analysts.md",
    "city-teams.md",
    "notebook.md",
    "web-app.md",
]
#: Pages that need optional extras: skipped without them, except in CI (a failure there).
EXTRAS = {"notebook.md": ("numpy", "pandas", "pyarrow")}
# The public modules and their reference pages (docs/reference/PAGE.md).
REFERENCE = {
    "integration_index": "integration_index",
    "integration_index.model": "model",
    "integration_index.analysis": "analysis",
    "integration_index.exceptions": "exceptions",
    "integration_index.hookspecs": "hookspecs",
    "integration_index.testing": "testing",
}

FENCE = re.compile(
    r"^```(?P<lang>[A-Za-z0-9_+-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE
)
INDENTED_FENCE = re.compile(r"^[ \t]+```", re.MULTILINE)
SHELL = {"bash", "console"}
GLOB_CHARS = re.compile(r"[*?\[]")
COMMAND_NAMES = (["integration-index"], ["python", "-m", "integration_index"])
PIP_INSTALL = (["python", "-m", "pip", "install"], ["pip", "install"])
TEST_SUITE = ["python", "-m", "pytest"]


def blocks(page: Path) -> list[tuple[str, str, int]]:
    """The fenced blocks of a page: (language, body, line number of the opening fence)."""
    text = page.read_text(encoding="utf-8")
    return [
        (match.group("lang"), match.group("body"), text.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(text)
    ]


def shell_lines(lang: str, body: str) -> Iterator[str]:
    """The command lines of a bash or console block, continuation lines joined."""
    pending = ""
    for raw in body.splitlines():
        if lang == "console" and not pending:
            if not raw.startswith("$ "):
                continue  # output
            raw = raw[2:]
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        pending = ""
        if line and not line.startswith("#"):
            yield line
    assert not pending, f"a command ends with a line continuation: {pending!r}"


def words(command: str) -> list[str]:
    """Split like the shell: quotes removed, unquoted globs expanded (kept as is if no match)."""
    lexer = shlex.shlex(command, posix=False)
    lexer.whitespace_split = True
    result: list[str] = []
    for token in lexer:
        if not any(quote in token for quote in "\"'") and GLOB_CHARS.search(token):
            result.extend(sorted(glob.glob(token)) or [token])
        else:
            result.extend(shlex.split(token))
    return result


def split_and(argv: list[str]) -> list[list[str]]:
    """``a && b`` as [a, b]."""
    commands: list[list[str]] = [[]]
    for word in argv:
        if word == "&&":
            commands.append([])
        else:
            commands[-1].append(word)
    assert all(commands), f"an empty command in {argv}"
    return commands


def _starts_with(argv: list[str], prefix: list[str]) -> bool:
    return argv[: len(prefix)] == prefix


def run_command(argv: list[str], where: str, capsys: pytest.CaptureFixture[str]) -> None:
    for prefix in PIP_INSTALL:
        if _starts_with(argv, prefix):
            # Not run: the package is installed already. Its local paths must exist.
            for argument in argv[len(prefix) :]:
                local = argument.split("[", 1)[0]
                if local.startswith("."):
                    assert (ROOT / local).exists(), f"{where}: {argument} does not exist"
            return
    if argv == TEST_SUITE:
        return  # Not run: the test suite itself, which is running now.
    for prefix in COMMAND_NAMES:
        if _starts_with(argv, prefix):
            capsys.readouterr()
            code = main(argv[len(prefix) :])
            captured = capsys.readouterr()
            if code != 0:
                pytest.fail(
                    f"{where}: `{shlex.join(argv)}` exited {code}\n"
                    f"stdout:\n{captured.out[-2000:]}\nstderr:\n{captured.err[-2000:]}",
                    pytrace=False,
                )
            return
    pytest.fail(
        f"{where}: `{shlex.join(argv)}` is neither an integration-index command nor one of the "
        "commands this test knowingly skips (pip install, python -m pytest)",
        pytrace=False,
    )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory with a copy of the repository's examples/."""
    shutil.copytree(
        ROOT / "examples",
        tmp_path / "examples",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", "dist"),
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTEGRATION_INDEX_BLOCK_PLUGINS", raising=False)
    return tmp_path


def test_every_guide_is_there_and_in_the_nav() -> None:
    assert sorted(path.name for path in (DOCS / "guides").glob("*.md")) == sorted(GUIDES)
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in GUIDES:
        assert f"guides/{name}" in nav


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(DOCS).as_posix())
def test_the_page_has_no_block_the_test_would_miss(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not INDENTED_FENCE.search(text), f"{page.name}: an indented fence is not checked"
    found = blocks(page)
    assert found, f"{page.name} has no example"
    # Every fence line opens or closes one of the blocks found: none is unclosed or nested.
    fences = [line for line in text.splitlines() if line.startswith("```")]
    assert len(fences) == 2 * len(found), f"{page.name}: an unclosed or nested fence"
    for lang, _body, line in found:
        assert lang in {"python", "toml", "text", *SHELL}, f"{page.name}:{line}: ```{lang}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(DOCS).as_posix())
def test_the_examples_run_in_order(
    page: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in EXTRAS.get(page.name, ()):
        if not os.environ.get("CI"):
            pytest.importorskip(module, reason=f"{page.name} needs {module} (an optional extra)")
    plugins_before = [(info.name, info.status) for info in ii.list_plugins()]
    namespace: dict[str, object] = {"__name__": f"guide_{page.stem.replace('-', '_')}"}
    ran = 0
    for lang, body, line in blocks(page):
        where = f"{page.relative_to(ROOT)}:{line}"
        if lang == "python":
            failure = None
            try:
                exec(compile(body, where, "exec"), namespace)
            except (Exception, SystemExit):  # report any failure by its place in the page
                failure = traceback.format_exc()
            if failure is not None:
                pytest.fail(f"the python block at {where} failed:\n{failure}", pytrace=False)
            ran += 1
        elif lang in SHELL:
            for command in shell_lines(lang, body):
                for argv in split_and(words(command)):
                    run_command(argv, where, capsys)
                    ran += 1
        elif lang == "toml":
            try:
                tomllib.loads(body)
            except tomllib.TOMLDecodeError as error:
                pytest.fail(f"the toml block at {where} does not parse: {error}", pytrace=False)
    assert ran, f"nothing ran in {page.name}"
    # A guide registers plugins in registries of its own, never in the default one.
    assert [(info.name, info.status) for info in ii.list_plugins()] == plugins_before


def test_a_failing_command_fails_the_test(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(pytest.fail.Exception, match="exited 1"):
        run_command(["integration-index", "validate", "missing.toml"], "here", capsys)
    with pytest.raises(pytest.fail.Exception, match="neither"):
        run_command(["rm", "-rf", "examples"], "here", capsys)
    run_command(["python", "-m", "pip", "install", "./examples/oecd-checklist"], "here", capsys)


def test_shell_words_are_split_like_the_shell(workdir: Path) -> None:
    assert words('integration-index init --city-name "My City" my.toml') == [
        "integration-index",
        "init",
        "--city-name",
        "My City",
        "my.toml",
    ]
    expanded = words("integration-index peer-review examples/peer-review/ostavia-2023/*.toml")
    assert expanded[2:] == [f"examples/peer-review/ostavia-2023/reviewer-{x}.toml" for x in "abc"]
    assert words("integration-index validate 'examples/**/*.toml'") == [
        "integration-index",
        "validate",
        "examples/**/*.toml",
    ]
    assert list(shell_lines("console", "$ a \\\n    b\noutput\n$ c\n")) == ["a b", "c"]
    assert split_and(["a", "x", "&&", "b"]) == [["a", "x"], ["b"]]


def _site_tools_missing() -> list[str]:
    return [
        name
        for name in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
        if _find_spec(name) is None
    ]


def _find_spec(name: str) -> object:
    with contextlib.suppress(ModuleNotFoundError):
        return importlib.util.find_spec(name)
    return None


def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    missing = _site_tools_missing()
    if missing:
        message = (
            f"the documentation tools are not installed ({', '.join(missing)}); "
            'install them with: python -m pip install ".[docs]"'
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must build the site: {message}", pytrace=False)
        pytest.skip(message)
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert (site / "index.html").is_file()
    for page in ("guides/apps", "guides/city-teams", "reference/integration_index", "changelog"):
        assert (site / page / "index.html").is_file(), page
    # The reference documents exactly the public names, each public module on its page.
    assert sorted(path.stem for path in (DOCS / "reference").glob("*.md")) == sorted(
        REFERENCE.values()
    )
    for module_name, page in REFERENCE.items():
        module = importlib.import_module(module_name)
        html = (site / "reference" / page / "index.html").read_text(encoding="utf-8")
        documented = set(re.findall(rf'id="{re.escape(module_name)}\.(\w+)"', html))
        public = set(module.__all__) - {"__version__"}  # a module __getattr__: in the docstring
        assert documented == public, (
            f"reference/{page}.md: missing {sorted(public - documented)}, "
            f"not public {sorted(documented - public)}"
        )
    # The changelog is included from CHANGELOG.md, not linked.
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "0.2.0" in changelog
