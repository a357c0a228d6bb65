"""Skills: the canonical taxonomy, free-text resolution and the resolved skills of workers.

A shared domain layer under the register (``app.registry``), the openings
(``app.employers``) and every workflow above them: they import skills from here, never
from ``app.matching``. ``taxonomy`` and ``text`` are pure Python (no Flask, no database);
``entries`` adapts them to forms (labels, choices, checks); ``service`` stores what a
worker's typed skills resolved to (``models.WorkerSkill``).
"""
