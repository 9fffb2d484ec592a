"""Pre-release checks for SDK teams: which documented contract version does an SDK match?

`docs_check` parses SDK reference documents (openapi-generator markdown, Stainless references) and
compares their operations, parameters and models with every contract version; `models_check` runs
each version's recorded and generated responses through an installed SDK's pydantic models.
"""
