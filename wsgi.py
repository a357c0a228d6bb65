"""WSGI entry point: gunicorn 'wsgi:app'."""
import os
import sys

from app import create_app

# The threads of one gunicorn process take turns on the interpreter lock. A thread back from
# the database waits for the one computing to hand the lock over: at most Python's switch
# interval (5 ms by default), and a page makes several round trips.
# SWITCH_INTERVAL_MS=1 shortens the wait (bench/README.md, province scale).
if os.environ.get("SWITCH_INTERVAL_MS"):
    sys.setswitchinterval(float(os.environ["SWITCH_INTERVAL_MS"]) / 1000)

app = create_app()
