"""The public job board: open openings of verified employers, searchable, no login."""
