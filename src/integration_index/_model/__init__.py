"""The assessment model: frameworks, city profiles and score cards (frozen attrs value objects)."""
