"""The web app (integration-index serve) through Starlette's test client: it opens the shipped
examples, creates and edits profiles in the init layout, shows the score the library computes,
refuses a save made from an older version, and never leaves a half-written file."""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import tomli
from conftest import Cli
from hypothesis import given
from hypothesis import strategies as st
from webapp import TOKEN, card_scores, client, hidden, require_web

import integration_index as ii
from integration_index._web.document import comments_in, render
from integration_index.model import Evidence, Exclusion

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
RIVERMOUTH = "eurocities/rivermouth-2024.toml"


@pytest.fixture(autouse=True)
def _web() -> None:
    require_web()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "profiles"
    shutil.copytree(EXAMPLES, target)
    return target


def _shown(value: float | None, decimal: str = ".") -> str:
    return "" if value is None else repr(value)


def _new(folder: Path, name: str = "demo-2025", **extra: str) -> Path:
    with client(folder) as c:
        response = c.post(
            "/new",
            data={
                "csrf": TOKEN,
                "file": name,
                "frameworks": "eurocities",
                "city.id": "demo",
                "city.name": "Demo",
                "city.population": "120000",
                "assessment.date": "2025-01-02",
                "assessment.mode": "self-assessment",
                "assessment.assessors": "Ana\nBo",
                **extra,
            },
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text
    return folder / f"{name}.toml"


def _answer(
    c: TestClient, name: str, criterion: str, rows: dict[str, str], **extra: str
) -> httpx.Response:
    page = c.get(f"/factor?name={name}&framework=eurocities&criterion={criterion}").text
    data = {
        "csrf": TOKEN,
        "name": name,
        "version": hidden(page, "version"),
        "framework": "eurocities",
        "criterion": criterion,
        **rows,
        **extra,
    }
    response: httpx.Response = c.post("/factor", data=data, follow_redirects=False)
    return response


# -- reading ----------------------------------------------------------------------------------


def test_the_index_lists_every_example_with_the_score_the_library_gives(folder: Path) -> None:
    with client(folder) as c:
        page = c.get("/").text
    for path in sorted(folder.rglob("*.toml")):
        name = path.relative_to(folder).as_posix()
        assert f">{name}</a>" in page
        profile = ii.load_profile(path)
        for framework in profile.assessment.frameworks:
            card = ii.score(profile, framework)
            assert f"{framework} {card.score:.1f}" in page  # English: 49.8


def test_a_profile_page_shows_each_key_factor_score_of_the_card(folder: Path) -> None:
    with client(folder) as c:
        page = c.get(f"/profile?name={RIVERMOUTH}").text
    card = ii.score(ii.load_profile(folder / RIVERMOUTH), "eurocities")
    shown = card_scores(page)
    assert shown["overall"] == repr(card.score)
    for node in card.nodes:
        if node.depth == 1:
            assert shown[node.id] == _shown(node.adjusted.score)
    assert "49.8" in page and "(between 48.9 and 51.7)" in page  # the CLI's figure, 97% coverage


def test_a_key_factor_page_shows_statement_questions_levels_and_examples(folder: Path) -> None:
    framework = ii.get_framework("eurocities")
    top = framework.criteria[0]
    with client(folder) as c:
        page = html.unescape(
            c.get(f"/factor?name={RIVERMOUTH}&framework=eurocities&criterion={top.id}").text
        )
    assert top.statement is not None and top.statement.en in page
    assert top.rationale is not None and top.rationale.en in page
    for leaf in top.children:
        assert leaf.title.en in page
        scale = framework.scale_of(leaf)
        assert scale is not None
        for level in scale.levels:
            assert level.label.en in page
            assert level.description is not None and level.description.en in page
    for example in top.examples:
        assert example.city in page and example.text.en in page


def test_the_french_app_shows_french_words_and_numbers(folder: Path) -> None:
    framework = ii.get_framework("eurocities")
    with client(folder, language="fr") as c:
        index = c.get("/").text
        factor = html.unescape(
            c.get(f"/factor?name={RIVERMOUTH}&framework=eurocities&criterion=01").text
        )
    assert '<html lang="fr">' in index and "Profils" in index
    assert "eurocities 49,8" in index and "20 mars 2024" in index
    assert framework.criteria[0].title.fr is not None and framework.criteria[0].title.fr in factor
    assert "Enregistrer" in factor and "Save" not in factor


# -- writing ----------------------------------------------------------------------------------


def test_a_new_profile_is_written_in_the_init_layout_and_validates(folder: Path, cli: Cli) -> None:
    path = _new(folder)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# City profile written by `integration-index serve`")
    profile = ii.load_profile(path)
    assert profile.city.id == "demo" and profile.city.population == 120000
    assert profile.assessment.date == datetime.date(2025, 1, 2)
    assert profile.assessment.assessors == ("Ana", "Bo")
    assert profile.evidence == ()
    assert cli("validate", path).returncode == 0


def test_answers_with_evidence_are_saved_exactly_and_scored_as_the_library_scores(
    folder: Path,
) -> None:
    path = _new(folder)
    with client(folder) as c:
        rows = {
            "new[0].criterion": "01.1",
            "new[0].rating": "largely",
            "new[0].source": "document",
            "new[0].reference": "Council resolution 2024/12",
            "new[0].date": "2024-11-03",
            "new[0].assessor": "Ana",
            "new[0].note": "Adopted unanimously.",
            "new[0].effort": "low",
            "new[1].criterion": "01.2",
            "new[1].rating": "partly",
            "new[1].source": "interview",
            "new[2].criterion": "01.3",
            "new[2].rating": "",
            "new[2].source": "document",
        }
        opened = c.get(f"/factor?name={path.name}&framework=eurocities&criterion=01").text
        preview = c.post(
            "/preview",
            data={
                "csrf": TOKEN,
                "name": path.name,
                "version": hidden(opened, "version"),
                "framework": "eurocities",
                "criterion": "01",
                **rows,
            },
        )
        response = _answer(c, path.name, "01", rows)
        assert response.status_code == 303
        page = c.get(response.headers["location"]).text
    profile = ii.load_profile(path)
    assert profile.evidence == (
        Evidence(
            criterion="01.1",
            rating="largely",
            source="document",
            reference="Council resolution 2024/12",
            date=datetime.date(2024, 11, 3),
            assessor="Ana",
            note="Adopted unanimously.",
            effort="low",
        ),
        Evidence(criterion="01.2", rating="partly", source="interview"),
    )
    card = ii.score(profile, "eurocities")
    # two of four questions: largely (0.75) and partly (0.5) -> 62.5, as the scale's values say
    assert card.node("01").adjusted.score == pytest.approx(62.5)
    assert card_scores(page)["01"] == repr(card.node("01").adjusted.score)
    assert preview.status_code == 200
    assert card_scores(preview.text) == card_scores(page)
    assert 'id="saved"' in page


def test_editing_one_answer_keeps_every_other_item_and_its_order(folder: Path) -> None:
    path = folder / RIVERMOUTH
    before = ii.load_profile(path)
    index = next(i for i, e in enumerate(before.evidence) if e.criterion == "01.2")
    with client(folder) as c:
        page = c.get(f"/factor?name={RIVERMOUTH}&framework=eurocities&criterion=01").text
        rows = {
            f"evidence[{index}].criterion": "01.2",
            f"evidence[{index}].rating": "largely",
            f"evidence[{index}].source": "interview",
            f"evidence[{index}].reference": before.evidence[index].reference or "",
            f"evidence[{index}].date": "2024-02-09",
        }
        assert hidden(page, "version")
        response = _answer(c, RIVERMOUTH, "01", rows, drop_comments="yes")
        assert response.status_code == 303
    after = ii.load_profile(path)
    changed = list(before.evidence)
    changed[index] = Evidence(
        criterion="01.2",
        rating="largely",
        source="interview",
        reference=before.evidence[index].reference,
        date=datetime.date(2024, 2, 9),
    )
    assert after.evidence == tuple(changed)
    assert (after.city, after.assessment, after.context, after.exclusions) == (
        before.city,
        before.assessment,
        before.context,
        before.exclusions,
    )


def test_comments_the_app_did_not_write_are_not_dropped_without_saying_so(folder: Path) -> None:
    path = folder / RIVERMOUTH
    original = path.read_bytes()
    with client(folder) as c:
        page = c.get(f"/profile?name={RIVERMOUTH}").text
        assert "# --- key factor 01 ---" in page  # listed before any save
        refused = _answer(c, RIVERMOUTH, "01", {})
        assert refused.status_code == 422
        assert path.read_bytes() == original
        accepted = _answer(c, RIVERMOUTH, "01", {}, drop_comments="yes")
        assert accepted.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "# ILLUSTRATIVE EXAMPLE" in text  # the file's own header is kept
    assert "# --- key factor 01 ---" not in text
    assert ii.load_profile(path) == ii.load_profile(EXAMPLES / RIVERMOUTH)


def test_problems_are_shown_at_their_field_with_the_words_of_validate(
    folder: Path, cli: Cli, tmp_path: Path
) -> None:
    path = _new(folder)
    original = path.read_bytes()
    with client(folder) as c:
        page = c.get(f"/settings?name={path.name}").text
        response = c.post(
            "/settings",
            data={
                "csrf": TOKEN,
                "name": path.name,
                "version": hidden(page, "version"),
                "city.id": "Not An Id",
                "city.name": "Demo",
                "assessment.date": "2025-13-45",
            },
        )
    assert response.status_code == 422
    assert path.read_bytes() == original
    bad = tmp_path / "bad.toml"
    bad.write_text(original.decode().replace('id = "demo"', 'id = "Not An Id"'), encoding="utf-8")
    result = cli("validate", bad)
    message = result.stderr.splitlines()[0].split("city.id: ", 1)[1]
    shown = html.unescape(response.text)
    assert f'<span class="u">city.id: {message}</span>' in shown  # beside the field
    assert "assessment.date: '2025-13-45' is not a valid date" in shown


def test_context_and_an_allowed_exclusion_are_saved_and_change_the_card(folder: Path) -> None:
    path = _new(folder)
    with client(folder) as c:
        page = c.get(f"/settings?name={path.name}").text
        response = c.post(
            "/settings",
            data={
                "csrf": TOKEN,
                "name": path.name,
                "version": hidden(page, "version"),
                "city.id": "demo",
                "city.name": "Demo",
                "assessment.date": "2025-01-02",
                "assessment.mode": "self-assessment",
                "context.eurocities.city-resources": "low",
                "context.eurocities.national-legislation": "Civil-service law 2023",
                "exclusion.eurocities.07": "yes",
                "exclusion.eurocities.07.reason": "National civil-service law",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        profile_page = c.get(f"/profile?name={path.name}").text
    profile = ii.load_profile(path)
    assert dict(profile.context["eurocities"]) == {
        "national-legislation": "Civil-service law 2023",
        "city-resources": "low",
    }
    assert profile.exclusions == (
        Exclusion(
            criterion="07", reason="National civil-service law", factor="national-legislation"
        ),
    )
    assert ii.score(profile, "eurocities").node("07").adjusted.applicable is False
    assert 'data-criterion="07" data-score="" class="excluded"' in profile_page


def test_a_second_tab_saving_an_older_version_is_refused_with_a_reload_link(
    folder: Path,
) -> None:
    path = _new(folder)
    with client(folder) as c:
        url = f"/factor?name={path.name}&framework=eurocities&criterion=01"
        version = hidden(c.get(url).text, "version")  # both tabs open the same version
        base = {
            "csrf": TOKEN,
            "name": path.name,
            "version": version,
            "framework": "eurocities",
            "criterion": "01",
        }
        first = c.post(
            "/factor",
            data={
                **base,
                "new[0].criterion": "01.1",
                "new[0].rating": "largely",
                "new[0].source": "document",
            },
            follow_redirects=False,
        )
        saved = path.read_bytes()
        second = c.post(
            "/factor",
            data={
                **base,
                "new[0].criterion": "01.1",
                "new[0].rating": "planned",
                "new[0].source": "document",
                "new[0].note": "typed in the second tab",
            },
        )
        stale = c.post("/preview", data={**base, "new[0].criterion": "01.1"})
        link = re.search(r'id="reload" href="([^"]+)"', second.text)
        assert link is not None
        reloaded = c.get(html.unescape(link.group(1)))
    assert first.status_code == 303
    assert second.status_code == 409
    assert "was changed since you opened this page" in second.text
    assert stale.status_code == 409 and 'id="stale"' in stale.text  # the live card says so too
    assert html.unescape(link.group(1)) == url
    assert reloaded.status_code == 200 and hidden(reloaded.text, "version") != version
    assert "typed in the second tab" in second.text  # what was typed is shown, not lost
    assert path.read_bytes() == saved
    assert ii.load_profile(path).evidence[0].rating == "largely"


def test_creating_a_profile_never_replaces_an_existing_file(folder: Path) -> None:
    path = _new(folder)
    original = path.read_bytes()
    with client(folder) as c:
        response = c.post(
            "/new",
            data={
                "csrf": TOKEN,
                "file": "demo-2025",
                "frameworks": "eurocities",
                "city.id": "x",
                "city.name": "X",
                "assessment.date": "2025-01-01",
            },
        )
    assert response.status_code == 422 and "exists already" in response.text
    assert path.read_bytes() == original


# -- reports ----------------------------------------------------------------------------------


def test_the_report_and_the_plan_are_the_library_html_reports(folder: Path) -> None:
    profile = ii.load_profile(folder / RIVERMOUTH)
    card = ii.score(profile, "eurocities")
    plan = ii.development_plan(card, profile)
    with client(folder, language="fr") as c:
        report = c.get(f"/report?name={RIVERMOUTH}")
        shown_plan = c.get(f"/plan?name={RIVERMOUTH}&framework=eurocities")
        download = c.get(f"/plan?name={RIVERMOUTH}&framework=eurocities&download=1")
    assert report.text == ii.render(profile, format="html", language="fr")
    assert shown_plan.text == ii.render(
        plan, format="html", card=card, profile=profile, language="fr"
    )
    policy = report.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts;") and "default-src 'none'" in policy
    assert "content-disposition" not in report.headers
    assert download.headers["content-disposition"] == (
        'attachment; filename="rivermouth-2024-plan-eurocities.html"'
    )


def test_the_merged_peer_review_of_reviewer_files_is_offered_and_shown(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    shutil.copytree(ROOT / "examples" / "peer-review" / "ostavia-2023", folder)
    names = sorted(p.name for p in folder.glob("*.toml"))
    with client(folder) as c:
        index = c.get("/").text
        link = "/review?" + "&amp;".join(f"name={n}" for n in names)
        assert link in index
        page = c.get(html.unescape(link)).text
    profiles = [ii.load_profile(folder / n) for n in names]
    merged = ii.merge_reviews(
        profiles, sources=names, texts=[(folder / n).read_text(encoding="utf-8") for n in names]
    )
    review = ii.peer_review(merged)
    assert page == ii.render(review, format="html", profile=merged)


# -- the file layout, comments and crashes ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    # The shipped profiles of registered frameworks (examples/ also holds framework, weights
    # and scenario files, and the cohort example's unregistered framework).
    sorted(
        p
        for p in (ROOT / "examples").rglob("*.toml")
        if "oecd" not in str(p) and "cohort" not in p.parts
    ),
    ids=lambda p: p.name,
)
def test_the_app_layout_reads_back_to_the_same_profile(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    frameworks = {f.id: f for f in ii.list_frameworks()}
    written = render(tomli.loads(text), frameworks)
    assert tomli.loads(written) == tomli.loads(text)
    assert ii.loads_profile(written) == ii.load_profile(path)


def test_comments_are_found_outside_strings_only() -> None:
    text = textwrap.dedent(
        '''
        # top
        a = "# not a comment" # one
        b = 'also # not'
        c = """
        # inside a string
        """ # two
        d = "escaped \\" # still a string" # three
        '''
    )
    assert comments_in(text) == ["# top", "# one", "# two", "# three"]


def test_a_save_that_fails_midway_leaves_the_old_file_and_no_temporary(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _new(folder)
    original = path.read_bytes()

    def broken(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with client(folder) as c:
        response = _answer(
            c,
            path.name,
            "01",
            {"new[0].criterion": "01.1", "new[0].rating": "largely", "new[0].source": "document"},
        )
    assert response.status_code == 500
    assert "could not be written (No space left on device). The file is as it was." in (
        html.unescape(response.text)
    )
    assert path.read_bytes() == original
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


_SAVER = """
import sys
from pathlib import Path
from integration_index._web.store import ProfileStore
store = ProfileStore(sys.argv[1])
texts = [Path(sys.argv[2]).read_text(encoding="utf-8"), Path(sys.argv[3]).read_text(encoding="utf-8")]
print("ready", flush=True)
turn = 0
while True:
    current = store.read("p.toml")
    store.save("p.toml", texts[turn % 2], current.version)
    turn += 1
"""


def test_a_process_killed_while_saving_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    old = "schema = 1\n" + "# padding\n" * 20000 + 'old = "' + "o" * 200000 + '"\n'
    new = "schema = 1\n" + 'new = "' + "n" * 400000 + '"\n'
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "p.toml").write_text(old, encoding="utf-8")
    (tmp_path / "old.txt").write_text(old, encoding="utf-8")
    (tmp_path / "new.txt").write_text(new, encoding="utf-8")
    for _ in range(5):
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _SAVER,
                str(folder),
                str(tmp_path / "old.txt"),
                str(tmp_path / "new.txt"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        process.kill()
        process.wait()
        assert (folder / "p.toml").read_text(encoding="utf-8") in (old, new)


def test_no_english_word_of_the_catalogue_is_left_on_a_french_page(folder: Path) -> None:
    from integration_index._i18n import Catalogue

    catalogue = Catalogue.load()
    english = catalogue.messages["en"]
    french = catalogue.messages["fr"]
    texts = {
        piece.strip()
        for key, message in english.items()
        if key.startswith("web.") and message.texts() != french[key].texts()
        for text in message.texts()
        for piece in re.split(r"[():]", text)
        if len(piece.strip()) > 5
    }
    name = _new(folder).name  # a profile whose data has no English sentence
    with client(folder, language="fr") as c:
        pages = [
            c.get(url).text
            for url in (
                "/",
                "/new",
                f"/profile?name={name}",
                f"/settings?name={name}",
                f"/factor?name={name}&framework=eurocities&criterion=01",
            )
        ]
    visible = [html.unescape(re.sub(r"<[^>]+>", " ", page)) for page in pages]
    left = sorted({text for page in visible for text in texts if text in page})
    assert left == []


_KEYS = st.sampled_from(
    [
        "schema",
        "city",
        "assessment",
        "context",
        "exclusions",
        "evidence",
        "criterion",
        "framework",
        "a",
        "b c",
        "é",
        "x.y",
        "",
    ]
)
_SCALARS = (
    st.text(max_size=20)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.dates()
)
_VALUES = st.recursive(
    _SCALARS | st.lists(_SCALARS, max_size=3),
    lambda inner: (
        st.dictionaries(_KEYS, inner, max_size=4)
        | st.lists(st.dictionaries(_KEYS, inner, max_size=4), min_size=1, max_size=3)
    ),
    max_leaves=12,
)


@given(document=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_any_document_is_written_as_toml_that_reads_back_to_it(document: dict[str, object]) -> None:
    """(property) Whatever a file held, the app writes it back without losing a value."""
    frameworks = {f.id: f for f in ii.list_frameworks()}
    assert tomli.loads(render(document, frameworks)) == document


_MEASURED = """
schema = 1
id = "measured"
version = "1"
title = "Measured"

[[criteria]]
id = "m"
title = "M"

[[criteria.children]]
id = "m1"
title = "Share of staff trained"
[criteria.children.goalposts]
min = 0.0
max = 10.0
"""


class _MeasuredPlugin:
    @ii.hookimpl
    def integration_index_register_frameworks(
        self, register: Callable[[ii.Framework], None]
    ) -> None:
        register(ii.loads_framework(_MEASURED, registry=ii.Registry(entry_points=False)))


def test_a_profile_of_two_frameworks_with_a_measured_question(tmp_path: Path) -> None:
    registry = ii.Registry()
    registry.register_plugin(_MeasuredPlugin(), name="measured-test")
    with client(tmp_path, registry=registry) as c:
        created = c.post(
            "/new",
            data={
                "csrf": TOKEN,
                "file": "both",
                "frameworks": ["eurocities", "measured"],
                "city.id": "both",
                "city.name": "Both",
                "assessment.date": "2025-01-01",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        for framework, criterion, rows in (
            (
                "measured",
                "m",
                {"new[0].criterion": "m1", "new[0].rating": "4,5", "new[0].source": "statistics"},
            ),
            (
                "eurocities",
                "01",
                {"new[0].criterion": "01.1", "new[0].rating": "fully", "new[0].source": "document"},
            ),
        ):
            url = f"/factor?name=both.toml&framework={framework}&criterion={criterion}"
            page = c.get(url).text
            response = c.post(
                "/factor",
                data={
                    "csrf": TOKEN,
                    "name": "both.toml",
                    "version": hidden(page, "version"),
                    "framework": framework,
                    "criterion": criterion,
                    **rows,
                },
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
        bad = c.get("/factor?name=both.toml&framework=measured&criterion=m").text
        refused = c.post(
            "/factor",
            data={
                "csrf": TOKEN,
                "name": "both.toml",
                "version": hidden(bad, "version"),
                "framework": "measured",
                "criterion": "m",
                "evidence[0].criterion": "m1",
                "evidence[0].rating": "many",
                "evidence[0].source": "statistics",
            },
        )
    profile = ii.load_profile(tmp_path / "both.toml")
    assert profile.evidence == (
        Evidence(criterion="m1", rating=4.5, source="statistics", framework="measured"),
        Evidence(criterion="01.1", rating="fully", source="document", framework="eurocities"),
    )
    assert ii.score(profile, "measured", registry=registry).score == pytest.approx(45.0)
    assert refused.status_code == 422  # a word where a number is measured, named at its field
    assert "evidence[0].rating: " in html.unescape(refused.text)


_WORDS = st.sampled_from(["01.1", "01.2", "07", "fully", "document", "eurocities", "low", "x"])
_ITEMS = st.dictionaries(
    st.sampled_from(["criterion", "rating", "source", "framework", "date", "note", "reason"]),
    _SCALARS | _WORDS,
    max_size=5,
)
#: Documents close to a profile: the right tables, with values right or wrong.
_NEAR_PROFILES = st.builds(
    lambda city, assessment, evidence, exclusions, context: {
        "schema": 1,
        "city": {"id": "x", "name": "X", **city},
        "assessment": {
            "frameworks": ["eurocities"],
            "date": datetime.date(2025, 1, 1),
            **assessment,
        },
        "evidence": evidence,
        "exclusions": exclusions,
        "context": {"eurocities": context},
    },
    st.dictionaries(st.sampled_from(["id", "name", "population", "country"]), _SCALARS, max_size=2),
    st.dictionaries(
        st.sampled_from(["frameworks", "date", "mode", "assessors"]),
        _SCALARS | st.lists(_WORDS, max_size=2),
        max_size=2,
    ),
    st.lists(_ITEMS, max_size=3),
    st.lists(_ITEMS, max_size=2),
    st.dictionaries(
        st.sampled_from(["city-resources", "national-legislation", "other"]),
        _SCALARS | _WORDS,
        max_size=2,
    ),
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TestClient]]:
    folder = tmp_path_factory.mktemp("fuzz")
    with client(folder) as c:
        yield folder, c


@given(document=st.dictionaries(_KEYS, _VALUES, max_size=6) | _NEAR_PROFILES)
def test_no_file_makes_a_page_fail(
    fuzz_client: tuple[Path, TestClient], document: dict[str, object]
) -> None:
    """(property) Whatever a profile file holds, every page answers (never a server error)."""
    folder, c = fuzz_client
    (folder / "p.toml").write_text(
        render(document, {f.id: f for f in ii.list_frameworks()}), encoding="utf-8"
    )
    for url in (
        "/",
        "/profile?name=p.toml",
        "/settings?name=p.toml",
        "/factor?name=p.toml&framework=eurocities&criterion=01",
        "/report?name=p.toml",
        "/plan?name=p.toml",
    ):
        assert c.get(url).status_code < 500, url
    page = c.get("/settings?name=p.toml").text
    version = hidden(page, "version") if 'name="version"' in page else "x"
    form = {
        "csrf": TOKEN,
        "name": "p.toml",
        "version": version,
        "city.id": "x",
        "exclusion.eurocities.07": "yes",
        "context.eurocities.city-resources": "low",
    }
    assert c.post("/settings", data=form).status_code < 500
    answer = {
        "csrf": TOKEN,
        "name": "p.toml",
        "version": version,
        "framework": "eurocities",
        "criterion": "01",
        "new[0].criterion": "01.1",
        "new[0].rating": "fully",
    }
    assert c.post("/factor", data=answer).status_code < 500


def test_every_key_factor_page_of_every_example_opens(folder: Path) -> None:
    """Every framework's pages come from its data alone: each top-level criterion of each
    framework an example names opens, with each of its questions."""
    with client(folder) as c:
        for path in sorted(folder.rglob("*.toml")):
            name = path.relative_to(folder).as_posix()
            profile = ii.load_profile(path)
            for framework_id in profile.assessment.frameworks:
                framework = ii.get_framework(framework_id)
                for top in framework.criteria:
                    page = c.get(
                        "/factor",
                        params={"name": name, "framework": framework_id, "criterion": top.id},
                    )
                    assert page.status_code == 200, (name, top.id)
                    shown = html.unescape(page.text)
                    for leaf in (node for node in top.walk() if node.is_leaf):
                        assert f'data-question="{leaf.id}"' in shown
                        assert leaf.title.en in shown


def test_a_template_from_init_opens_without_a_comment_warning_and_saves(
    tmp_path: Path, cli: Cli
) -> None:
    """The comments init writes are the app's own kind: it writes them again where they apply,
    so a fresh template is filled in the app without any question about comments."""
    path = tmp_path / "my-city-2025.toml"
    assert cli("init", "--framework", "eurocities", "--city-id", "my-city", path).returncode == 0
    with client(tmp_path) as c:
        page = c.get(f"/profile?name={path.name}").text
        response = _answer(
            c,
            path.name,
            "01",
            {"new[0].criterion": "01.1", "new[0].rating": "partly", "new[0].source": "document"},
        )
    assert 'id="foreign-comments"' not in page
    assert response.status_code == 303
    profile = ii.load_profile(path)
    assert [(e.criterion, e.rating) for e in profile.evidence] == [("01.1", "partly")]
    assert profile.city.id == "my-city"
