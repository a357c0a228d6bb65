"""Test helpers that are not data: the API caller, query counting, the route table."""
