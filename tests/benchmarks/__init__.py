"""The benchmark suite of issue 8: ``python -m tests.benchmarks [--scale 2x25] [--quick]``.

Five scenarios against the vendor simulators seeded at a scale, with injected upstream
latency: the cold dashboard (upstream calls vs the API minimum, latency vs the critical
path), a 200-ID lookup, a warm small query over uvicorn against a bare strawberry app,
several gateway processes sharing one Redis, and a 1k/10k database list. It prints a
table and writes ``bench-results.json``; numbers, never pass/fail (no timed assertions in
pytest: ``tests/test_benchmarks_smoke.py`` only checks that every figure is produced).
"""
