"""Code particular to one API, one package each, named by reference from its profile.toml."""
