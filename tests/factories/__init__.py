"""Test data per feature, built through the real services (import what you need)."""
