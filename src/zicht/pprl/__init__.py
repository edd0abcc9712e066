"""Privacy-preserving record linkage: the specifications zicht-pprl-1 and zicht-pprl-2.

A plain library (no Django, no zicht app; see the import contracts in pyproject.toml),
usable on an organisation's own premises: ``keys`` (pseudonymisation keys),
``normalise`` (names), ``encoding`` (zicht-pprl-1), ``pprl2``, ``fuzzy`` (Dice kernel and
an in-memory index), ``bulk`` (linking whole files), ``evidence`` and ``cli``
(``python -m zicht.pprl``). The Django app ``zicht.linkage`` holds the person index
(models, services, selectors, views) built on it. This module imports nothing, so
importing one submodule stays cheap.
"""
