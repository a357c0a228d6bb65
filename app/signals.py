"""Cross-feature reactions, declared in one place (blinker signals, connected in the factory).

A feature sends a signal when something happened that features *above* it may react to;
the lower feature never imports the higher one. ``create_app`` connects every receiver
(``connect_signals`` in ``app/factory.py``), so the whole list of reactions is readable
there. Receivers run synchronously inside the sender's transaction: they flush, never
commit, and an exception in one rolls the action back like any service error.

- ``placement_created`` (sender: the new ``Placement``, after it is flushed and before its
  follow-ups are scheduled): training credits the order course that led to the job.
- ``job_lost`` (sender: the ended ``Placement``; ``worker``, ``day``): each receiver may
  return a short text for the officers' alert; matching returns the worker's best openings.
- ``worker_not_working`` (sender: the ``Worker``; ``reason``, ``day``, ``source``): a worker
  said (in a check-in or a call) they are out of work, or a layoff alert named them;
  employment has already ended the job and queued the officers' call. Monitoring opens the
  household's zero-employment spell.
- ``employer_standing_changed`` (sender: the ``Employer``; ``kind``, ``params``): verified,
  suspended or reinstated; notifications tell the employer's logins and its contact phone.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

placement_created = _signals.signal("placement-created")
job_lost = _signals.signal("job-lost")
worker_not_working = _signals.signal("worker-not-working")
employer_standing_changed = _signals.signal("employer-standing-changed")
