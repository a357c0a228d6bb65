"""Notifications: an outbox of SMS, WeChat and in-app messages, delivered with retries."""
