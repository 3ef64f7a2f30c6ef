"""Outbox, digests and the sender: reliable mail written with its cause."""
