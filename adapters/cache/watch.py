"""What a subscription poller needs to be one poller across instances (``Watch``), and
where it gets one (``Watches``). The Redis implementation is ``adapters.cache.redis_watch``;
with the memory backend there is none, and every poller polls on its own."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol


class Watch(Protocol):
    async def lead(self, token: str, seconds: float) -> bool:
        """Whether ``token`` is the poller now (holding the lease for ``seconds``)."""

    async def resign(self, token: str) -> None:
        """Give the lease up, for another instance to take at once."""

    async def publish(self, message: str) -> None:
        """Tell every instance watching this resource what the poller saw."""

    def listen(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback`` with every message published; returns how to stop."""


class Watches(Protocol):
    def watch(self, name: Hashable) -> Watch: ...

    async def aclose(self) -> None: ...
