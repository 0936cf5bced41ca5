"""``python -m scraper`` runs the ``newsarchive`` command."""

from .cli import main

main()
