"""The reference vendor: the smallest vendor folder there can be, registered by tests only.

It is written like a real vendor folder (``adapters/<vendor>/``), so the contract suite
(``tests/contract``) runs against it as against every built-in vendor, and so a
deliberately broken variant of it (``broken.py``) can show that the suite catches what it
claims to (``tests/test_contract_catches_a_broken_vendor.py``). The product never sees it:
``adapters.registry.BUILTIN`` does not name it; ``tests.vendors.registered`` adds it for
a while. Without a GraphQL ``Vendor`` value, documents sent to it never select one.

Its API, as its "documents" say (the simulator in ``sim/`` plays it)::

    Authorization: Bearer <token>        every request; 401 without a known token
    GET   /v1/orgs                       {"items": [org]}: the token's organization
    GET   /v1/orgs/{org}/databases       {"items": [db], "next": cursor | null}, 20 a page;
                                         the next page is ?cursor=<next>
    GET   /v1/orgs/{org}/databases/{db}  db
    PATCH /v1/orgs/{org}/databases/{db}  {"name": ...} -> db
    errors: {"error": {"code", "message"}, "request_id"}

    org: {"id", "name", "created_at"}
    db:  {"id", "name", "state", "created_at"}; state: running, stopped, starting,
         stopping or failed; a name is 1 to 40 letters, digits and '-'
"""
