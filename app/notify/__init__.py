"""Notifications: the outbox and the messages written to it for citizens and staff."""
