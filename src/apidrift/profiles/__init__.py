"""API profiles: what is particular to one API, as data, and where to find them.

A profile is a `profile.toml` (bundled ones under `apidrift/apis/<package>/`, a user's beside their
contracts or anywhere): base URL, key variable, auth, scope, secret patterns, id sources, sweep
rules, endpoint families, and references to code it adds. Generic code asks the profile; it never
names an API itself.
"""
