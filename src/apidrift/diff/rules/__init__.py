"""Drift rules, one module per family; `apidrift.diff.registry` collects them in a fixed order."""
