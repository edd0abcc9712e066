"""The access policy: who may do what, stated once (``policy``) and applied by the views'
gates (``guards``). See docs/adr/0007-access-policy.md."""
