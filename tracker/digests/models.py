"""The outbox model lives in tracker.outbox (every area queues mail); re-exported here."""

from ..outbox import STATUSES, OutboxMessage

__all__ = ["STATUSES", "OutboxMessage"]
