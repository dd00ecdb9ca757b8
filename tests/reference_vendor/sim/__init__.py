"""The reference vendor's simulator, written from its documents (``tests/reference_vendor``)."""
