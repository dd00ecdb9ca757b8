"""The contract suite: one behavioural suite every registered vendor must pass.

Parametrized over the registry (``adapters.registry``) and the reference vendor
(``tests/reference_vendor``), the way strawberry runs one HTTP suite against every
integration. Each test drives the real stack (GraphQL over HTTP into the app, the
vendor's adapter talking HTTP to its simulator) and holds the vendor to what it declares
in its ``VendorSpec``: the fewest calls (``minimums``), its paths, its errors, its
capabilities, its write example. What only one vendor does is tested in its own folder.
"""
