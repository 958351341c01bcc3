"""The scoring engine: ratings to values, aggregation up the criteria tree, modifiers."""
