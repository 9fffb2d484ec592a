"""API profiles: what is particular to one API, as data (`<name>.toml`), and where to find them.

Generic code asks a profile for base URLs, key variables, scopes, secret patterns, id sources and
extensions (a sandbox write plan, a simulator); it never names an API itself.
"""
