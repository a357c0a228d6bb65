"""Trainee self-service: activation, own profile, recommended courses and openings, reports."""
