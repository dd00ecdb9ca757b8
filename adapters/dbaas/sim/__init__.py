"""The dbaas simulator: the vendor's API as its documents describe it, written from
them and not from the adapter (demo mode and the tests talk to it)."""
