"""The version of apidrift: a leaf, so any layer may import it without importing the package API."""

__version__ = "0.1.0"
