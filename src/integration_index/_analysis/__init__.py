"""Generic analyses on score cards: development plans (gap analysis), progress between
assessments, peer-review consensus and inter-rater agreement, and peer-group rankings.

They know no framework by name: plugins add framework-specific texts through report hooks.
"""
