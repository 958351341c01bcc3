"""The words of a profile workbook, in English and French: sheet and column names, field labels
and the instructions.

Sheet names and the keys of the Assessment sheet are part of the format and stay English; the
column headers are written in the workbook's language and recognised in both on import.
"""

from __future__ import annotations

from collections.abc import Mapping

from integration_index._spreadsheet.cells import header_key

__all__ = [
    "ASSESSMENT",
    "ASSESSMENT_COLUMNS",
    "EVIDENCE",
    "EVIDENCE_COLUMNS",
    "EVIDENCE_FIELDS",
    "INSTRUCTIONS",
    "LANGUAGES",
    "LEVELS",
    "SHEETS",
    "Column",
    "field_label",
    "header_names",
    "instructions",
    "word",
]

INSTRUCTIONS = "Instructions"
ASSESSMENT = "Assessment"
EVIDENCE = "Evidence"
LEVELS = "Levels"
#: The sheets of a profile workbook, in order.
SHEETS = (INSTRUCTIONS, ASSESSMENT, EVIDENCE, LEVELS)
LANGUAGES = ("en", "fr")


class Column:
    """A column of a sheet: its key, its header in each language, its width."""

    __slots__ = ("en", "fr", "key", "width")

    def __init__(self, key: str, en: str, fr: str, width: int) -> None:
        self.key, self.en, self.fr, self.width = key, en, fr, width

    def header(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


#: The Evidence sheet's columns, in the order written (a workbook may order them otherwise).
EVIDENCE_COLUMNS = (
    Column("framework", "framework", "référentiel", 16),
    Column("key_factor", "key factor", "facteur clé", 32),
    Column("criterion", "criterion", "critère", 10),
    Column("question", "question", "question", 60),
    Column("expected", "expected", "attendu", 28),
    Column("rating", "rating", "notation", 16),
    Column("source", "source", "source", 16),
    Column("reference", "reference", "référence", 36),
    Column("date", "date", "date", 12),
    Column("assessor", "assessor", "évaluateur", 20),
    Column("note", "note", "commentaire", 40),
    Column("effort", "effort", "effort", 10),
    Column("order", "order", "ordre", 8),
)
#: The Evidence columns that import reads (the others only help whoever fills the sheet in).
EVIDENCE_FIELDS = (
    "framework",
    "criterion",
    "rating",
    "source",
    "reference",
    "date",
    "assessor",
    "note",
    "effort",
)
#: The Assessment sheet's columns.
ASSESSMENT_COLUMNS = (
    Column("field", "field", "champ", 44),
    Column("key", "key", "clé", 34),
    Column("value", "value", "valeur", 40),
)


def header_names(columns: tuple[Column, ...]) -> Mapping[str, str]:
    """Every header a column is recognised by (its key, and its header in each language), as
    :func:`header_key` compares them, to the column's key."""
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.key, column.en, column.fr):
            names[header_key(name)] = column.key
    return names


_FIELDS = {
    "city.id": ("City id (lowercase letters, digits, '-')", "Identifiant de la ville (minuscules, chiffres, « - »)"),
    "city.name": ("City name", "Nom de la ville"),
    "city.country": ("Country", "Pays"),
    "city.population": ("Population", "Population"),
    "city.region": ("Region", "Région"),
    "city.metadata": ("Further information: {0}", "Autre information : {0}"),
    "assessment.frameworks": ("Frameworks (one per cell)", "Référentiels (un par cellule)"),
    "assessment.date": ("Assessment date", "Date de l'évaluation"),
    "assessment.mode": ("Mode: self-assessment, peer-review or external", "Mode : self-assessment (auto-évaluation), peer-review (revue par les pairs) ou external (externe)"),
    "assessment.assessors": ("Assessors (one per cell, or separated by ';')", "Évaluateurs (un par cellule, ou séparés par « ; »)"),
    "assessment.title": ("Title", "Titre"),
    "assessment.notes": ("Notes", "Notes"),
    "illustrative": ("Invented example, not a real assessment (TRUE or FALSE)", "Exemple fictif, pas une évaluation réelle (VRAI ou FAUX)"),
    "context": ("Context ({0}): {1}", "Contexte ({0}) : {1}"),
    "exclusions.criterion": ("Outside the city's competence {0}: criterion", "Hors compétence de la ville {0} : critère"),
    "exclusions.reason": ("Outside the city's competence {0}: reason", "Hors compétence de la ville {0} : raison"),
    "exclusions.framework": ("Outside the city's competence {0}: framework", "Hors compétence de la ville {0} : référentiel"),
    "exclusions.factor": ("Outside the city's competence {0}: contextual factor (optional)", "Hors compétence de la ville {0} : facteur de contexte (facultatif)"),
}  # fmt: skip


def field_label(key: str, language: str, *args: object) -> str:
    """The label of an Assessment row, in *language*."""
    english, french = _FIELDS[key]
    return (french if language == "fr" else english).format(*args)


_WORDS = {
    "measured": ("a number{0}, {1:g} to {2:g} ({3} is better)", "un nombre{0}, de {1:g} à {2:g} ({3})"),
    "higher": ("higher", "plus élevé = mieux"),
    "lower": ("lower", "plus bas = mieux"),
    "rating levels": ("Rating levels, lowest first", "Niveaux de notation, du plus bas au plus haut"),
    "scale": ("Scale {0} ({1}): {2}", "Échelle {0} ({1}) : {2}"),
    "not a level": ("Choose one of the levels in the list.", "Choisissez un des niveaux de la liste."),
    "not a number": ("Enter a number.", "Saisissez un nombre."),
    "not a source": ("Choose one of the kinds of source in the list.", "Choisissez un des types de source de la liste."),
    "not an effort": ("Choose low, medium or high.", "Choisissez low, medium ou high."),
}  # fmt: skip


def word(key: str, language: str, *args: object) -> str:
    """A short text of the workbook, in *language*."""
    english, french = _WORDS[key]
    return (french if language == "fr" else english).format(*args)


_INSTRUCTIONS_EN = (
    "Assessment workbook: {frameworks}",
    "This workbook is a city profile for integration-index. Fill it in, then turn it into a "
    "profile file with:  integration-index import-xlsx WORKBOOK.xlsx --output PROFILE.toml  "
    "(every problem is reported with its sheet and cell).",
    "Sheet Assessment: the city and the assessment, one row per item, its value in the 'value' "
    "column. Lists (frameworks, assessors) take one value per cell to the right, or several "
    "separated by ';'. The contextual factors are recorded and shown beside the score. A "
    "criterion outside the city's competence is declared with the 'Outside the city's "
    "competence' rows (copy them with the next number, exclusions[1]..., for more).",
    "Sheet Evidence: one row per question, grouped by key factor. Choose the rating from the "
    "drop-down list (the levels of the question's scale, lowest first, listed below), or enter "
    "the measured value of a measured criterion. Then give the source (document, interview, "
    "focus-group, statistics, observation or self-assessment), the reference (document, "
    "interview, data set), the date, the assessor, a note and, for development plans, the "
    "effort improving would take (low, medium, high).",
    "A question left without a rating is not assessed: it is left out of the score (the "
    "coverage says how much was assessed). Several pieces of evidence for one question: copy "
    "its row, one row per piece.",
    "You may sort the rows, widen, move or add columns (for your own notes, say): columns are "
    "found by their header, and columns with other headers are ignored. Keep the sheet names "
    "and the headers of the columns you fill in. The 'order' column keeps the order of the "
    'evidence of an exported profile: leave it empty in new rows. A cell holding only "" '
    "stands for an empty text.",
)
_INSTRUCTIONS_FR = (
    "Classeur d'évaluation : {frameworks}",
    "Ce classeur est un profil de ville pour integration-index. Remplissez-le, puis "
    "transformez-le en fichier de profil avec :  integration-index import-xlsx CLASSEUR.xlsx "
    "--output PROFIL.toml  (chaque problème est signalé avec sa feuille et sa cellule).",
    "Feuille Assessment : la ville et l'évaluation, une ligne par élément, sa valeur dans la "
    "colonne « valeur ». Les listes (référentiels, évaluateurs) prennent une valeur par cellule "
    "vers la droite, ou plusieurs séparées par « ; ». Les facteurs de contexte sont enregistrés "
    "et affichés à côté du score. Un critère hors de la compétence de la ville se déclare avec "
    "les lignes « Hors compétence de la ville » (copiez-les avec le numéro suivant, "
    "exclusions[1]..., pour en ajouter).",
    "Feuille Evidence : une ligne par question, groupées par facteur clé. Choisissez la "
    "notation dans la liste déroulante (les niveaux de l'échelle de la question, du plus bas au "
    "plus haut, décrits ci-dessous), ou saisissez la valeur mesurée d'un critère mesuré. "
    "Indiquez ensuite la source (document, interview, focus-group, statistics, observation ou "
    "self-assessment), la référence (document, entretien, jeu de données), la date, "
    "l'évaluateur, un commentaire et, pour les plans de développement, l'effort qu'une "
    "amélioration demanderait (low, medium, high).",
    "Une question sans notation n'est pas évaluée : elle est laissée hors du score (la "
    "couverture dit quelle part a été évaluée). Plusieurs éléments de preuve pour une question : "
    "copiez sa ligne, une ligne par élément.",
    "Vous pouvez trier les lignes, élargir, déplacer ou ajouter des colonnes (pour vos propres "
    "notes par exemple) : les colonnes sont reconnues par leur en-tête, et celles qui ont un "
    "autre en-tête sont ignorées. Gardez les noms des feuilles et les en-têtes des colonnes que "
    "vous remplissez. La colonne « ordre » garde l'ordre des preuves d'un profil exporté : "
    'laissez-la vide dans les nouvelles lignes. Une cellule qui ne contient que "" représente '
    "un texte vide.",
)


def instructions(language: str, frameworks: str) -> tuple[str, ...]:
    """The paragraphs of the Instructions sheet, the first one its title."""
    lines = _INSTRUCTIONS_FR if language == "fr" else _INSTRUCTIONS_EN
    return (lines[0].format(frameworks=frameworks), *lines[1:])
