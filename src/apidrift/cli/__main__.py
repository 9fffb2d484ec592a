"""`python -m apidrift.cli`."""

from apidrift.cli.app import main

main()
