"""The model's value classes are deeply immutable and hashable: tuple fields hold tuples whatever
sequence they were given, cached mappings are read-only views, metadata and context hold only
immutable values, report sections are checked, and a FrozenDict cannot be changed."""

from __future__ import annotations

import datetime
import importlib
import pickle
import pkgutil
import typing
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any

import attrs
import pytest

import integration_index as ii
from integration_index import _model
from integration_index._model.validators import _tuple_kind, value_class
from integration_index.model import (
    AppliedModifier,
    Assessment,
    City,
    CityProfile,
    CompetenceExclusion,
    Condition,
    ContextualFactor,
    Criterion,
    Crosswalk,
    Evidence,
    Exclusion,
    Framework,
    FrozenDict,
    Level,
    Link,
    ModifierRule,
    Practice,
    PracticeCategory,
    ReportSection,
    Scale,
    Settings,
    Text,
    TextBlock,
)

# How a framework or profile is built: with tuples (as typed code does) or lists (as untyped code,
# JSON or a quick script does).
Seq = Callable[[list[Any]], Any]
DATE = datetime.date(2024, 3, 1)


def untyped(items: Iterable[Any]) -> Any:
    """A list, as code that type checkers do not see passes it."""
    return list(items)


def untyped_iterable(items: Iterable[Any]) -> Any:
    """A generator, as code that type checkers do not see passes it."""
    return (item for item in items)


def _framework(seq: Seq) -> Framework:
    """A small framework that fills every tuple field of every framework class, through *seq*."""
    yes_no = Scale(
        id="yes-no",
        title=Text(en="Yes or no"),
        levels=seq(
            [
                Level(id="no", value=0.0, label=Text(en="No")),
                Level(id="yes", value=1.0, label=Text(en="Yes")),
            ]
        ),
    )
    practice = Practice(
        city="Rivermouth",
        text=Text(en="Did it"),
        figures=seq(["EUR 1m"]),
        tags=seq(["housing"]),
        criteria=seq(["a1"]),
    )
    criteria = seq(
        [
            Criterion(
                id="a",
                title=Text(en="A"),
                tags=seq(["policy-maker"]),
                examples=seq([practice]),
                children=seq(
                    [
                        Criterion(id="a1", title=Text(en="A1"), tags=seq(["x", "y"])),
                        Criterion(id="a2", title=Text(en="A2")),
                    ]
                ),
            ),
            Criterion(id="b", title=Text(en="B")),
        ]
    )
    return Framework(
        id="demo",
        version="1",
        title=Text(en="Demo"),
        criteria=criteria,
        scales=seq([yes_no]),
        settings=Settings(scale="yes-no"),
        languages=seq(["en"]),
        contextual_factors=seq(
            [
                ContextualFactor(
                    id="size", title=Text(en="Size"), kind="choice", choices=seq(["small", "large"])
                )
            ]
        ),
        modifiers=seq(
            [
                ModifierRule(
                    id="drop-b",
                    effect="not_applicable",
                    criteria=seq(["b"]),
                    reason=Text(en="Small cities do not do B"),
                    when=Condition(factor="size", in_=seq(["small"])),
                )
            ]
        ),
        competence_exclusions=seq(
            [CompetenceExclusion(criteria=seq(["a2"]), reason=Text(en="National"), factor="size")]
        ),
        practice_categories=seq([PracticeCategory(id="cat", title=Text(en="Category"))]),
        practices=seq(
            [Practice(city="Lakeside", text=Text(en="Also did it"), id="p1", category="cat")]
        ),
        texts=seq([TextBlock(id="intro", title=Text(en="Intro"), text=Text(en="Text"))]),
    )


def _profile(seq: Seq) -> CityProfile:
    return CityProfile(
        city=City(id="rivermouth", name="Rivermouth", metadata={"twinned": True}),
        assessment=Assessment(frameworks=seq(["demo"]), date=DATE, assessors=seq(["Ana", "Ben"])),
        evidence=seq(
            [
                Evidence(criterion="a1", rating="yes", source="document"),
                Evidence(criterion="b", rating="no", source="interview"),
            ]
        ),
        context={"demo": {"size": "small"}},
        exclusions=seq([Exclusion(criterion="a2", reason="National")]),
    )


def _lists_inside(value: object, path: str = "") -> list[str]:
    """The key paths of every list held anywhere in a model object."""
    if isinstance(value, list):
        return [path]
    if isinstance(value, tuple):
        return [p for i, item in enumerate(value) for p in _lists_inside(item, f"{path}[{i}]")]
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in _lists_inside(item, f"{path}.{key}")]
    if attrs.has(type(value)):
        return [
            p
            for field in attrs.fields(typing.cast(Any, type(value)))
            for p in _lists_inside(getattr(value, field.name), f"{path}.{field.name}")
        ]
    return []


def _model_classes() -> list[type]:
    """Every attrs class defined in the model's modules."""
    found = []
    for info in pkgutil.iter_modules(_model.__path__):
        module = importlib.import_module(f"{_model.__name__}.{info.name}")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__
        ]
    return found


# 1. Tuple fields hold tuples.


def test_a_framework_built_with_lists_holds_tuples_and_equals_the_one_built_with_tuples() -> None:
    from_lists, from_tuples = _framework(list), _framework(tuple)
    assert _lists_inside(_framework(list)) == []
    assert from_lists == from_tuples
    assert hash(from_lists) == hash(from_tuples)
    assert from_lists.criteria[0].children[0].tags == ("x", "y")
    with pytest.raises(AttributeError):
        from_lists.criteria.append(from_lists.criteria[0])  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        from_lists.scales[0].levels.append(from_lists.scales[0].levels[0])  # type: ignore[attr-defined]


def test_a_profile_built_with_lists_holds_tuples_and_scores_as_the_one_built_with_tuples() -> None:
    from_lists, from_tuples = _profile(list), _profile(tuple)
    assert _lists_inside(from_lists) == []
    assert from_lists == from_tuples
    assert hash(from_lists) == hash(from_tuples)
    framework = _framework(list)
    assert ii.score(from_lists, framework) == ii.score(from_tuples, _framework(tuple))


def test_score_cards_and_crosswalks_built_with_lists_hold_tuples() -> None:
    card = ii.score(_profile(tuple), _framework(tuple))
    assert card.modifiers  # the size rule applies: its criteria tuple is converted below too
    rebuilt = attrs.evolve(
        card,
        nodes=untyped(card.nodes),
        modifiers=untyped(attrs.evolve(m, criteria=untyped(m.criteria)) for m in card.modifiers),
        context=untyped(card.context),
        warnings=untyped(card.warnings),
    )
    assert _lists_inside(rebuilt) == []
    assert rebuilt == card
    assert hash(rebuilt) == hash(card)
    link = Link(from_="demo:a", to="other:x")
    crosswalk = Crosswalk(id="c", version="1", title=Text(en="C"), links=untyped([link]))
    assert crosswalk.links == (link,)
    assert hash(crosswalk) == hash(
        Crosswalk(id="c", version="1", title=Text(en="C"), links=(link,))
    )


def test_every_tuple_field_of_every_model_class_converts_a_list() -> None:
    checked = []
    for cls in _model_classes():
        for field in attrs.fields(cls):
            if _tuple_kind(field.type) is None:
                continue
            assert field.converter is not None, f"{cls.__name__}.{field.name} keeps a list"
            converted = field.converter(["x", "y"])
            assert type(converted) is tuple, f"{cls.__name__}.{field.name}"
            assert converted == ("x", "y")
            already = ("x",)
            assert field.converter(already) is already
            checked.append(f"{cls.__name__}.{field.name}")
    assert "AppliedModifier.criteria" in checked
    assert "Assessment.frameworks" in checked
    assert len(checked) >= 25, checked


def test_every_model_class_is_frozen_and_keyword_only() -> None:
    for cls in _model_classes():
        assert getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs", cls
        assert all(field.kw_only for field in attrs.fields(cls)), cls


@pytest.mark.parametrize(
    "value", ["demo", b"demo", bytearray(b"demo"), {"demo": 1}, FrozenDict({"demo": 1}), 3, None]
)
def test_a_string_a_mapping_or_a_non_iterable_is_not_a_sequence(value: Any) -> None:
    with pytest.raises(TypeError, match="frameworks must be a sequence"):
        Assessment(frameworks=value, date=DATE)


def test_other_iterables_become_tuples() -> None:
    assessment = Assessment(frameworks=untyped_iterable(["a", "b"]), date=DATE)
    assert assessment.frameworks == ("a", "b")
    modifier = AppliedModifier(
        id="x",
        effect="not_applicable",
        criteria=typing.cast(Any, {"a": 1}.keys()),
        reason="R",
        origin="framework",
    )
    assert modifier.criteria == ("a",)


def test_validators_of_tuple_fields_still_run() -> None:
    with pytest.raises(ValueError, match="frameworks"):
        Assessment(frameworks=untyped([]), date=DATE)


def _sorted_ints(value: Iterable[int]) -> list[int]:
    return sorted(value)


def _note_fields(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    _NOTED.append(cls.__name__)
    return fields


_NOTED: list[str] = []


@value_class(kw_only=True, field_transformer=_note_fields)
class _Composed:
    """A class whose tuple fields have their own converter, or allow None."""

    ordered: tuple[int, ...] = attrs.field(converter=_sorted_ints)
    optional: tuple[str, ...] | None = None
    either: tuple[int, ...] | str = ""


def test_a_fields_own_converter_runs_first_and_its_result_becomes_a_tuple() -> None:
    composed = _Composed(ordered=[3, 1, 2], optional=untyped(["b"]))
    assert composed.ordered == (1, 2, 3)
    assert type(composed.ordered) is tuple
    assert composed.optional == ("b",)
    assert _Composed(ordered=()).optional is None
    assert _Composed(ordered=(), either="text").either == "text"  # a union with str: left alone
    assert _NOTED == ["_Composed"]  # a field_transformer given to value_class runs too
    with pytest.raises(TypeError, match="optional must be a sequence"):
        _Composed(ordered=(), optional="b")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("annotation", "kind"),
    [
        ("tuple[int, ...]", False),
        ("tuple[str, str]", False),
        ("tuple[int | None, ...]", False),
        ("tuple[int, ...] | None", True),
        ("None | tuple[Criterion, ...]", True),
        ("tuple[int, ...] | str", None),
        ("list[int]", None),
        ("str | None", None),
        (tuple[int, ...], False),
        (tuple[int, ...] | None, True),
        (typing.Optional[tuple[int, ...]], True),  # noqa: UP045  # the old spelling, on purpose
        (tuple[int, ...] | str, None),
        (int, None),
    ],
)
def test_tuple_annotations_are_recognised(annotation: object, kind: bool | None) -> None:
    assert _tuple_kind(annotation) is kind


def test_a_framework_built_with_lists_round_trips_through_toml() -> None:
    framework = _framework(list)
    back = ii.loads_framework(ii.dumps_framework(framework))
    assert back == framework == _framework(tuple)
    assert hash(back) == hash(framework)


# 2. Cached mappings are read-only views.


def _views(framework: Framework) -> dict[str, Mapping[str, Any]]:
    card = ii.score(_profile(tuple), framework)
    levels = framework.rating_levels["a1"]
    assert levels is not None
    return {
        "Framework.nodes": framework.nodes,
        "Framework.parents": framework.parents,
        "Framework.rating_levels": framework.rating_levels,
        "Framework.rating_levels[leaf]": levels,
        "Framework.scales_by_id": framework.scales_by_id,
        "Framework.factors_by_id": framework.factors_by_id,
        "Scale.values": framework.scales[0].values,
        "ScoreCard._by_id": card._by_id,
    }


def test_cached_mappings_cannot_be_changed() -> None:
    framework = _framework(list)
    before = ii.score(_profile(tuple), framework)
    for name, view in _views(framework).items():
        key = next(iter(view))
        assert not isinstance(view, MutableMapping), name
        with pytest.raises(TypeError):
            view[key] = view[key]  # type: ignore[index]
        with pytest.raises(TypeError):
            del view[key]  # type: ignore[attr-defined]
        for method in ("clear", "pop", "popitem", "setdefault", "update"):
            assert not hasattr(view, method), f"{name}.{method}"
    with pytest.raises(TypeError):
        framework.scales[0].values["yes"] = 0.25  # type: ignore[index]
    assert ii.score(_profile(tuple), framework) == before


def test_cached_views_are_not_pickled_and_work_after_unpickling() -> None:
    framework = _framework(list)
    views = _views(framework)  # computed, so cached, before pickling
    back = pickle.loads(pickle.dumps(framework))
    assert back == framework
    assert hash(back) == hash(framework)
    for name, view in _views(back).items():
        assert dict(view) == dict(views[name]), name
    assert back.node("a1") == framework.node("a1")
    assert back.ancestors("a1") == ("a",)


# 3. Metadata and context hold immutable values only.


@pytest.mark.parametrize(
    "value", ["text", 3, 2.5, True, DATE, datetime.datetime(2024, 3, 1, 12, 0)]
)
def test_metadata_accepts_strings_numbers_booleans_and_dates(value: Any) -> None:
    city = City(id="c", name="C", metadata={"k": value})
    assert city.metadata["k"] is value
    assert hash(city) == hash(City(id="c", name="C", metadata=FrozenDict({"k": value})))


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, {1, 2}, None, object(), (1, 2)])
def test_metadata_refuses_other_values_naming_the_key(value: Any) -> None:
    with pytest.raises(ValueError, match="metadata 'k'"):
        City(id="c", name="C", metadata={"ok": 1, "k": value})


def test_metadata_refuses_a_frozen_dict_holding_a_list() -> None:
    city = City(id="c", name="C")
    with pytest.raises(ValueError, match="metadata 'k'"):
        attrs.evolve(city, metadata=FrozenDict({"k": untyped([1])}))
    with pytest.raises(TypeError, match="metadata must be a mapping"):
        City(id="c", name="C", metadata=[("k", 1)])  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["small", 3, 2.5, True])
def test_context_accepts_strings_numbers_and_booleans(value: Any) -> None:
    profile = attrs.evolve(_profile(tuple), context={"demo": {"f": value}})
    assert profile.context["demo"]["f"] is value
    assert hash(profile) == hash(attrs.evolve(profile))


@pytest.mark.parametrize("value", [[1], {"a": 1}, None, DATE, object()])
def test_context_refuses_other_values_naming_the_key(value: Any) -> None:
    with pytest.raises(ValueError, match="'demo' value 'f'"):
        attrs.evolve(_profile(tuple), context={"demo": {"ok": 1, "f": value}})


def test_context_must_map_framework_ids_to_mappings() -> None:
    with pytest.raises(TypeError, match="context 'demo' must be a mapping"):
        attrs.evolve(_profile(tuple), context={"demo": untyped("small")})
    with pytest.raises(TypeError, match="context must be a mapping"):
        attrs.evolve(_profile(tuple), context=untyped([("demo", {})]))


# 4. Report sections are checked.


def test_a_valid_report_section() -> None:
    section = ReportSection(title="About", body="Two\nlines.", order=-5, plugin="p")
    assert section == ReportSection(title="About", body="Two\nlines.", order=-5, plugin="p")
    assert ReportSection(title="", body="").order == 100


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"order": float("nan")}, TypeError),
        ({"order": 1.0}, TypeError),
        ({"order": True}, TypeError),
        ({"order": "1"}, TypeError),
        ({"title": None}, TypeError),
        ({"title": b"About"}, TypeError),
        ({"body": 3}, TypeError),
        ({"body": None}, TypeError),
        ({"plugin": None}, TypeError),
        ({"title": "Two\nlines"}, ValueError),
        ({"title": "Two\rlines"}, ValueError),
        ({"title": "Trailing newline\n"}, ValueError),
    ],
)
def test_report_sections_refuse_bad_values(changes: dict[str, Any], error: type[Exception]) -> None:
    arguments: dict[str, Any] = {"title": "About", "body": "Body", "order": 10, **changes}
    with pytest.raises(error, match=next(iter(changes))):
        ReportSection(**arguments)


# 5. FrozenDict.


def test_a_frozen_dict_cannot_be_changed() -> None:
    frozen = FrozenDict({"a": 1, "b": 2})
    with pytest.raises(AttributeError):
        setattr(frozen, "_data", {})  # noqa: B010  # what a caller could try
    with pytest.raises(AttributeError):
        setattr(frozen, "_hash", 0)  # noqa: B010
    with pytest.raises(AttributeError):
        setattr(frozen, "other", 0)  # noqa: B010
    with pytest.raises(AttributeError):
        delattr(frozen, "_data")
    with pytest.raises(TypeError):
        frozen.__init__({"z": 26})  # type: ignore[misc]
    with pytest.raises(TypeError):
        frozen["a"] = 3  # type: ignore[index]
    assert frozen == {"a": 1, "b": 2}
    assert hash(frozen) == hash(FrozenDict({"b": 2, "a": 1}))


def test_a_frozen_dict_merges_with_the_pipe_into_a_new_frozen_dict() -> None:
    frozen = FrozenDict({"a": 1, "b": 2})
    merged = frozen | {"b": 20, "c": 3}
    assert type(merged) is FrozenDict
    assert list(merged.items()) == [("a", 1), ("b", 20), ("c", 3)]
    assert frozen == {"a": 1, "b": 2}
    left = {"b": 20, "c": 3} | frozen
    assert type(left) is FrozenDict
    assert list(left.items()) == [("b", 2), ("c", 3), ("a", 1)]
    assert frozen | FrozenDict({"d": 4}) == {"a": 1, "b": 2, "d": 4}
    alias = frozen
    alias |= {"e": 5}  # a new object, as for a frozenset
    assert alias == {"a": 1, "b": 2, "e": 5}
    assert frozen == {"a": 1, "b": 2}
    with pytest.raises(TypeError):
        frozen | 3  # type: ignore[operator]
    assert hash(merged) == hash(FrozenDict({"c": 3, "b": 20, "a": 1}))


def test_a_frozen_dict_reverses_and_keeps_hash_equality_and_pickling() -> None:
    frozen = FrozenDict({"a": 1, "b": 2, "c": 3})
    assert list(reversed(frozen)) == ["c", "b", "a"]
    assert list(frozen) == ["a", "b", "c"]
    back = pickle.loads(pickle.dumps(frozen))
    assert type(back) is FrozenDict
    assert back == frozen == {"c": 3, "b": 2, "a": 1}
    assert hash(back) == hash(frozen)
    with pytest.raises(AttributeError):
        setattr(back, "_data", {})  # noqa: B010
    assert FrozenDict[str, int]({"a": 1}) == {"a": 1}  # a subscripted alias still constructs
    assert FrozenDict.adopt({"a": 1}) == FrozenDict({"a": 1})
