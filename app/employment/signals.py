"""What this feature tells the features above it (connected in the factory or by them).

``worker_not_working``: a worker said (in a check-in or a call) they are out of work, or a
layoff alert named them. Sent with the ``Worker`` and ``reason``, ``day``, ``source``
(``"checkin"``). The risk side (zero-employment households, re-matching) connects here;
this feature already ends the job, sets the worker seeking, flags a monitored household
at risk, puts a to-do item in the county's queue and sends the officers fresh matches.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

worker_not_working = _signals.signal("worker-not-working")
