"""The person index: models, services, selectors and views.

The pure linkage code (keys, normalisation, encodings, fuzzy and bulk linkage, the
command line) lives in the Django-free package ``zicht.pprl``. This module deliberately
imports nothing so that importing the Django app package stays cheap and free of side
effects.
"""
