"""The extract stage: one page -> an ``Article``, with no network and no database.

``page`` runs a site adapter's selectors, then the generic fallbacks: ``metadata`` (JSON-LD,
OpenGraph, <meta>, microdata), ``dates``, ``language``, ``body`` (the content heuristic, with
the vocabulary of page furniture in ``boilerplate``) and ``widgets`` (link widgets).
"""
