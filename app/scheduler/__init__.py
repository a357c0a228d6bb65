"""Scheduled tasks (APScheduler), each idempotent and holding a database lock while it runs."""
