#!/usr/bin/env bash
# Load test and soak of the province database (bench/province/generate.py first).
#
#   bench/province/run.sh [users] [spawn-rate] [load-duration] [soak-seconds]
#   bench/province/run.sh 60 6 2m 600          # the defaults
#   SOAK=0 bench/province/run.sh 20 5 1m       # a quick try, no soak
#   SOAK_USERS=20 bench/province/run.sh 60 6 2m 600   # soak at another user count
#
# Starts gunicorn (4 gthread workers x 4 threads on 127.0.0.1:8123, production settings
# except Secure cookies, which need HTTPS), waits for /healthz, warms every worker up
# (30 s of the mix: each process builds its matching index once), runs the headless
# Locust load with --csv, then a soak of the same mix while sampling the gunicorn
# processes' RSS every 30 s, and stops everything it started. Output goes to $OUT
# (default /tmp/qianlu_province_<time>): uptime, locust CSVs and logs, rss.tsv.
#
# After the load it prints one summary line (summary.txt): requests/s, p50/p95/p99,
# errors, the CPU milliseconds per request of gunicorn (all its processes) and of the
# PostgreSQL backends serving $DB, Locust's own CPU, and the load average before and
# after. On a shared machine requests/s measures the machine's load; the CPU per request
# is what travels: 2 cores serve at most 2000 / (app + PostgreSQL ms) requests/s.
#
# Gunicorn: WORKERS (default 4) processes x THREADS (default 4) gthread threads. Each
# process keeps its own caches (the matching index: ~0.3 GB and ~8 s of CPU to build at
# province scale), so more processes cost memory and warm-up, not throughput: the GIL
# lets one process use about one core.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
USERS="${1:-60}"
RATE="${2:-6}"
DURATION="${3:-2m}"
SOAK_SECONDS="${4:-${SOAK:-600}}"
DB="${QIANLU_DB:-qianlu_province}"
PORT="${PORT:-8123}"
WORKERS="${WORKERS:-4}"
THREADS="${THREADS:-4}"
OUT="${OUT:-/tmp/qianlu_province_$(date +%H%M%S)}"
mkdir -p "$OUT"
export QIANLU_DB="$DB"
export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB"
export SECRET_KEY="${SECRET_KEY:-bench-province-$(date +%s)-not-for-production}"
export QIANLU_ENV=production SESSION_COOKIE_SECURE=0
# PostgreSQL on the same 2 cores as the app: no JIT compilation and no parallel workers
# for the app's sessions (both cost more CPU than they save when every core is busy).
# PGOPTIONS= (empty) runs with the server's defaults.
export PGOPTIONS="${PGOPTIONS--c jit=off -c max_parallel_workers_per_gather=0}"
# Rate limits count failed logins only; every bench login succeeds.
# APP_VENV: the virtualenv gunicorn, Locust and the summary run from (default .venv). The
# interpreter matters: a CPython built with PGO and LTO (Debian's /usr/bin/python3.11)
# spends ~10 % less CPU per request here than a plain source build (pyenv's default);
# build one with `make venv PYTHON=/usr/bin/python3.11 VENV=.venv-deploy` and pass
# APP_VENV=.venv-deploy. The summary names the interpreter.
VENV="$(cd "${APP_VENV:-$ROOT/.venv}" && pwd)/bin"
HOST="http://127.0.0.1:$PORT"
# --reset-stats: the figures start once every user is spawned, and again (locustfile.py)
# once every officer has logged in (each officer's one login,
# an Argon2id verification of ~60-120 ms by design, happens while spawning).
# LOCUST_NICE=-5: Locust (the clients) before the server when the cores are short, as if it
# ran on its own machine: otherwise a busy server delays the clients' own clock readings and
# their next requests, and the latencies measured include the clients' wait for a core.
LOCUST=(nice -n "${LOCUST_NICE:-0}" "$VENV/locust" -f bench/province/locustfile.py
        --host "$HOST" --headless --only-summary --loglevel WARNING --reset-stats)

GUNICORN_PID=""
SOAK_PID=""
cleanup() {
  [ -n "$SOAK_PID" ] && kill "$SOAK_PID" 2>/dev/null || true
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 1; done
  fi
}
trap cleanup EXIT

{ date -u +"%F %T UTC"; uptime; nproc; free -m | head -2; } > "$OUT/machine.txt"
# Autovacuum: a production PostgreSQL runs it (and migration d5e8a1f3c7b2 makes it vacuum
# the follow-ups after every 1,000 changes), but a CI cluster may run with autovacuum = off
# (this machine kind does: /etc/postgresql/15/main/conf.d/90-ci.conf). Then every earlier
# run's writes stay behind as dead index entries and pages the visibility map no longer
# marks all-visible, and each run measures a database production never has (the
# province's follow-up count: 10 ms after a vacuum, 31 ms after five runs). So the
# database is vacuumed before the load, as autovacuum would have done between runs
# (~0.2 s: only the changed pages are read). VACUUM=0 leaves it as it is.
AUTOVACUUM=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SHOW autovacuum")
if [ "${VACUUM:-1}" = 1 ] && [ "$AUTOVACUUM" = off ]; then
  psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM"
  echo "autovacuum is off here: vacuumed $DB before the load" | tee -a "$OUT/machine.txt"
fi
PY_BUILD=$("$VENV/python" -c "import sys; print(sys.version.split()[0], sys.base_prefix)" 2>/dev/null)
echo "interpreter: $PY_BUILD" | tee -a "$OUT/machine.txt"
"$VENV/gunicorn" -w "$WORKERS" -k gthread --threads "$THREADS" -b "127.0.0.1:$PORT" \
  --keep-alive "${KEEPALIVE:-10}" \
  --error-logfile "$OUT/gunicorn.log" --graceful-timeout 10 --timeout 120 'wsgi:app' &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs "$HOST/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$HOST/healthz" >/dev/null || { echo "gunicorn did not come up"; exit 1; }
echo "gunicorn $GUNICORN_PID up; output in $OUT"

echo "warm-up ${WARMUP:-60} s"
"${LOCUST[@]}" -u 24 -r 12 -t "${WARMUP:-60}s" --csv "$OUT/warmup" > "$OUT/warmup.log" 2>&1 || true

# CPU seconds so far of a set of pids (utime + stime; gone pids count 0)
cpu_of() {
  local total=0 pid
  for pid in "$@"; do
    if [ -r "/proc/$pid/stat" ]; then
      total=$(( total + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat") ))
    fi
  done
  echo "$total"
}
app_pids() { echo "$GUNICORN_PID" $(ps -o pid= --ppid "$GUNICORN_PID"); }
pg_pids() {
  psql -h 127.0.0.1 -U postgres -d "$DB" -Atc \
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
}
# per-pid CPU ticks at the start, so backends that connect later count from 0
snapshot() { for pid in "$@"; do echo "$pid $(cpu_of "$pid")"; done; }

echo "load: $USERS users, spawn $RATE/s, $DURATION; $(uptime)"
uptime > "$OUT/load_uptime_before.txt"
"${LOCUST[@]}" -u "$USERS" -r "$RATE" -t "$DURATION" --csv "$OUT/load" \
  > "$OUT/load.log" 2>&1 &
LOAD_PID=$!
# The figures start when Locust resets its stats (every officer logged in): the CPU too.
for _ in $(seq 1 600); do
  grep -q "stats reset" "$OUT/load.log" 2>/dev/null && break
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sleep 0.5
done
T0=$(date +%s.%N)
snapshot $(app_pids) > "$OUT/cpu_app_0.txt"
snapshot $(pg_pids) > "$OUT/cpu_pg_0.txt"
LOCUST_CPU0=$(cpu_of $(pgrep -P "$LOAD_PID") "$LOAD_PID")
if [ -n "${PYSPY:-}" ]; then  # profile one gunicorn worker for 60 s in the middle of the load
  sleep 20
  WORKER=$(ps -o pid= --ppid "$GUNICORN_PID" | head -1 | tr -d ' ')
  "$VENV/py-spy" record --pid "$WORKER" --duration 60 --rate 20 --format raw \
    --output "$OUT/pyspy.txt" > "$OUT/pyspy.log" 2>&1 || true
fi
LOCUST_CPU1=$LOCUST_CPU0
while kill -0 "$LOAD_PID" 2>/dev/null; do  # Locust's CPU, read while it still runs
  LOCUST_CPU1=$(cpu_of $(pgrep -P "$LOAD_PID") "$LOAD_PID")
  sleep 2
done
wait "$LOAD_PID" || true
T1=$(date +%s.%N)
snapshot $(app_pids) > "$OUT/cpu_app_1.txt"
snapshot $(pg_pids) > "$OUT/cpu_pg_1.txt"
uptime > "$OUT/load_uptime_after.txt"
tail -n 40 "$OUT/load.log"
"$VENV/python" - "$OUT" "$(getconf CLK_TCK)" "$T0" "$T1" "$LOCUST_CPU0" "$LOCUST_CPU1" \
  <<'PY' | tee "$OUT/summary.txt"
import csv, sys
from pathlib import Path
out, tck, t0, t1, l0, l1 = Path(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:7])

def ticks(name):
    rows = (line.split() for line in (out / name).read_text().splitlines() if line.strip())
    return {pid: int(t) for pid, t in rows}

def used(kind):  # CPU seconds over the load, per pid present at the end
    before, after = ticks(f"cpu_{kind}_0.txt"), ticks(f"cpu_{kind}_1.txt")
    return sum(max(0, t - before.get(pid, 0)) for pid, t in after.items()) / tck

agg = next(r for r in csv.DictReader(open(out / "load_stats.csv")) if r["Name"] == "Aggregated")
n, fails = int(agg["Request Count"]), int(agg["Failure Count"])
app, pg, loc = used("app"), used("pg"), (l1 - l0) / tck
before = (out / "load_uptime_before.txt").read_text().split("load average:")[1].strip()
after = (out / "load_uptime_after.txt").read_text().split("load average:")[1].strip()
ms = lambda s: 1000 * s / max(n, 1)  # noqa: E731
print(f"load result: {float(agg['Requests/s']):.1f} requests/s, p50 {agg['50%']} ms, "
      f"p95 {agg['95%']} ms, p99 {agg['99%']} ms, {fails} errors of {n:,} requests")
print(f"CPU per request: app {ms(app):.1f} ms + PostgreSQL {ms(pg):.1f} ms = "
      f"{ms(app + pg):.1f} ms (-> {2000 / max(ms(app + pg), 0.01):.0f} requests/s on 2 "
      f"cores); Locust {ms(loc):.1f} ms; over {t1 - t0:.0f} s")
print(f"load average: before {before}; after {after}")
PY

if [ "$SOAK_SECONDS" -gt 0 ]; then
  SOAK_USERS="${SOAK_USERS:-$USERS}"
  echo "soak: $SOAK_USERS users, ${SOAK_SECONDS} s, RSS every 30 s"
  "${LOCUST[@]}" -u "$SOAK_USERS" -r "$RATE" -t "${SOAK_SECONDS}s" --csv "$OUT/soak" \
    > "$OUT/soak.log" 2>&1 &
  SOAK_PID=$!
  printf "t_s\tpid\trss_kb\n" > "$OUT/rss.tsv"
  START=$(date +%s)
  while kill -0 "$SOAK_PID" 2>/dev/null; do
    NOW=$(( $(date +%s) - START ))
    ps -o pid=,rss= --ppid "$GUNICORN_PID" | while read -r pid rss; do
      printf "%s\t%s\t%s\n" "$NOW" "$pid" "$rss" >> "$OUT/rss.tsv"
    done
    ps -o pid=,rss= -p "$GUNICORN_PID" | while read -r pid rss; do
      printf "%s\t%s(master)\t%s\n" "$NOW" "$pid" "$rss" >> "$OUT/rss.tsv"
    done
    for _ in $(seq 1 30); do kill -0 "$SOAK_PID" 2>/dev/null || break; sleep 1; done
  done
  wait "$SOAK_PID" || true
  SOAK_PID=""
  uptime > "$OUT/soak_uptime_after.txt"
  tail -n 40 "$OUT/soak.log"
fi
echo "done: $OUT"
