"""Reject a signed Slack request sent a second time.

A signature stays valid for 5 minutes, so a captured request could be sent again inside that
window to repeat its action (save a form twice, trash twice). Slack itself never sends the
same signed request twice to an interactive endpoint, so a repeat is refused with 401.
Type-ahead requests are let through: they change nothing, and a user who types the same
text twice within a second sends two identical ones.
NOTE: the memory of signatures is per process; behind a load balancer a repeat that reaches
another process is not caught.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from cachetools import TTLCache
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)

# Slack's verifier accepts timestamps up to 5 minutes old (either way), so a signature must be
# remembered a little longer than 10 minutes.
SIGNATURE_MEMORY_SECONDS = 11 * 60


class ReplayGuard:
    def __init__(self, maxsize: int = 100_000) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize, SIGNATURE_MEMORY_SECONDS)

    async def __call__(
        self, req: AsyncBoltRequest, resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # noqa: A002 - Bolt passes it by this name
    ) -> BoltResponse:
        signature = (req.headers.get("x-slack-signature") or [None])[0]
        if signature and req.body.get("type") != "block_suggestion":
            if signature in self._seen:
                logger.warning("slack.request.replayed user=%s", req.context.user_id)
                return BoltResponse(status=401, body="replayed request")
            self._seen[signature] = True
        return await next()
