"""Keeping the out-of-province base steady (稳住省外务工基本盘): jobs workers found elsewhere
(employment records), monthly check-ins by SMS, layoff and closure alerts from destinations,
the "where our people work" page, and rights reports from a check-in.

Qianlu's own placements stay in ``app.placements``; everything here counts them alongside
the self-found jobs and keeps the two apart.
"""
