"""Privacy-preserving record linkage (zicht-pprl-1).

The pure-Python core (no Django): ``encoding``, ``keys``, ``normalise``, ``fuzzy``,
``bulk`` and ``cli``. This module deliberately imports nothing so that importing the
Django app package stays cheap and free of side effects.
"""
