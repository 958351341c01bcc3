"""The examples each command's ``--help`` shows; they use the shipped example files, which is why
the built-in frameworks' ids appear here and nowhere else in the core."""

from __future__ import annotations

import textwrap

__all__ = ["examples_for"]

_EXAMPLES = {
    "frameworks": """
        integration-index frameworks                 list the registered frameworks
        integration-index frameworks eurocities      show one as a tree, with its questions
        integration-index frameworks eurocities --language fr
    """,
    "plugins": """
        integration-index plugins
        INTEGRATION_INDEX_BLOCK_PLUGINS=gfmd-arrival-cities integration-index plugins
    """,
    "init": """
        integration-index init --framework eurocities my-city-2025.toml
        integration-index init --framework eurocities my-city-2025.xlsx --language fr
    """,
    "import-xlsx": """
        integration-index import-xlsx my-city-2025.xlsx --output my-city-2025.toml
        integration-index import-xlsx my-city-2025.xlsx --framework-file my-framework.toml
    """,
    "validate": """
        integration-index validate examples/profiles
        integration-index validate city.toml other.toml 'profiles/**/*.toml'
    """,
    "score": """
        integration-index score examples/profiles
        integration-index score profiles/ --format csv --output scores.csv --jobs 2
        integration-index score city.toml --framework eurocities --format json
        integration-index score 'profiles/*.toml' --format tidy-csv --output nodes.csv
        integration-index score profiles/ --format xlsx --output scores.xlsx
        integration-index score profiles/ --format csv --csv-dialect excel-fr --output scores.csv
        integration-index score examples/profiles --language fr
        integration-index score examples/cohort/profiles \\
            --framework-file examples/cohort/framework.toml --weights examples/cohort/weights.toml
        integration-index score city.toml --framework-file examples/cohort/framework.toml \\
            --cohort-stats cohort-stats.toml
    """,
    "report": """
        integration-index report examples/profiles/all-three/harbourton-2024.toml
        integration-index report examples/profiles/all-three/harbourton-2024.toml \\
            --format html --output harbourton.html
        integration-index report examples/profiles/all-three/harbourton-2024.toml --language fr
    """,
    "plan": """
        integration-index plan examples/profiles/eurocities/rivermouth-2024.toml --target 75
        integration-index plan examples/profiles/eurocities/rivermouth-2024.toml --language fr \\
            --format html --output plan.html
    """,
    "progress": """
        integration-index progress examples/profiles/eurocities/rivermouth-2022.toml \\
            examples/profiles/eurocities/rivermouth-2024.toml
    """,
    "peer-review": """
        integration-index peer-review examples/profiles/eurocities/ostavia-peer-review-2023.toml
        integration-index peer-review examples/peer-review/ostavia-2023/*.toml
        integration-index peer-review self-assessment.toml reviewer-a.toml reviewer-b.toml \\
            --format json --output review.json
    """,
    "compare": """
        integration-index compare examples/profiles --framework eurocities
        integration-index compare profiles/ --framework eurocities --bands 100000,500000
        integration-index compare profiles/ --framework eurocities --format xlsx -o ranking.xlsx
        integration-index compare examples/profiles --framework eurocities --format html \\
            --language fr --output ranking.html
        integration-index compare examples/cohort/profiles \\
            --framework-file examples/cohort/framework.toml --peers country
        integration-index compare examples/cohort/profiles \\
            --framework-file examples/cohort/framework.toml --peers similar \\
            --similar-on population,metadata.coastal --k 5
    """,
    "what-if": """
        integration-index what-if examples/cohort/profiles/barholby.toml \\
            examples/cohort/scenario.toml --framework-file examples/cohort/framework.toml \\
            --cohort examples/cohort/profiles
        integration-index what-if examples/cohort/profiles/barholby.toml \\
            examples/cohort/scenario.toml --framework-file examples/cohort/framework.toml \\
            --cohort examples/cohort/profiles --language fr --format html -o what-if.html
    """,
    "cohort-stats": """
        integration-index cohort-stats examples/cohort/profiles \\
            --framework-file examples/cohort/framework.toml -o cohort-stats.toml
    """,
    "uncertainty": """
        integration-index uncertainty examples/profiles --framework eurocities --seed 1
        integration-index uncertainty profiles/ --framework eurocities --draws 10000 --top-k 5
        integration-index uncertainty profiles/ --framework eurocities --sources weights,aggregation \\
            --weights dirichlet:20 --format json -o uncertainty.json
    """,
    "serve": """
        integration-index serve examples/profiles       open the shipped examples
        integration-index serve my-profiles --language fr --port 8001
    """,
    "related": """
        integration-index related eurocities 04
    """,
}


def examples_for(command: str) -> str:
    """The ``examples:`` epilog of one command."""
    return "examples:\n" + textwrap.indent(textwrap.dedent(_EXAMPLES[command]).strip("\n"), "  ")
