"""Matching: the pure engine, recommendations, candidates, referral pages and dispatch."""
