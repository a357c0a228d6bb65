"""Settings read from the environment (see README, "Settings")."""
from __future__ import annotations

import json
import os
import secrets
import warnings
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _ints(name: str) -> tuple[int, ...] | None:
    value = os.environ.get(name)
    return tuple(int(x) for x in value.split(",") if x.strip()) if value else None


def _json(name: str) -> dict | None:
    value = os.environ.get(name)
    return json.loads(value) if value else None


def _secret_key(env: str, instance_path: Path) -> str:
    """SECRET_KEY from the environment; in development generated once into instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise RuntimeError("SECRET_KEY must be set when QIANLU_ENV=production")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    warnings.warn(
        f"SECRET_KEY not set: generated one in {key_file} (development only)", stacklevel=2
    )
    return key


def load_config(instance_path: str) -> dict:
    """Build the Flask config mapping from environment variables."""
    instance = Path(instance_path)
    env = os.environ.get("QIANLU_ENV", "development")
    default_db = f"sqlite:///{instance / 'qianlu.db'}"
    db_url = os.environ.get("DATABASE_URL", default_db)
    if db_url.startswith("postgres://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgres://"):]
    elif db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
    timezone = os.environ.get("TIMEZONE", "Asia/Shanghai")
    return {
        "QIANLU_ENV": env,
        "SECRET_KEY": _secret_key(env, instance),
        "SQLALCHEMY_DATABASE_URI": db_url,
        # PostgreSQL: a pooled connection is pinged before use only when it sat idle this
        # long or the server spoke on it meanwhile (app/db_setup.py), not on every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "DB_PING_AFTER_SECONDS": float(os.environ.get("DB_PING_AFTER_SECONDS", 30)),
        # SQLite: how long a request waits for another's write lock before answering 503.
        "SQLITE_BUSY_TIMEOUT_SECONDS": float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", 30)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env == "production"),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "PROXY_FIX": _bool("PROXY_FIX", False),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BABEL_DEFAULT_LOCALE": "zh",
        "TIMEZONE": timezone,  # the one clock's zone (app.clock): dates and shown times
        "BABEL_DEFAULT_TIMEZONE": timezone,
        "LANGUAGES": ("zh", "en"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", 20)) * 1024 * 1024,
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_WINDOW_SECONDS": int(os.environ.get("LOGIN_WINDOW_SECONDS", 900)),
        # "Ask an officer to call me" requests an hour from one address or for one phone.
        "CALLBACK_MAX_PER_HOUR": int(os.environ.get("CALLBACK_MAX_PER_HOUR", 5)),
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 3)),
        "ARGON2_MEMORY_KIB": int(os.environ.get("ARGON2_MEMORY_KIB", 65536)),
        "SCHEDULER_IN_APP": _bool("SCHEDULER_IN_APP", False),
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": os.environ.get("SMS_GATEWAY_TOKEN", ""),
        "WTF_CSRF_TIME_LIMIT": None,
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", 200_000)),
        "IMPORT_MAX_UNCOMPRESSED_MB": int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_MB", 400)),
        "IMPORT_MAX_RATIO": int(os.environ.get("IMPORT_MAX_RATIO", 200)),
        "IMPORT_BACKGROUND_BYTES": int(os.environ.get("IMPORT_BACKGROUND_BYTES", 256 * 1024)),
        # Monitoring (app/monitoring): days to clear a zero-employment household before it
        # is escalated; the public declaration page's limits.
        "ZERO_EMPLOYMENT_CLEAR_DAYS": int(os.environ.get("ZERO_EMPLOYMENT_CLEAR_DAYS", 30)),
        "DECLARE_CODES_PER_HOUR": int(os.environ.get("DECLARE_CODES_PER_HOUR", 3)),
        "DECLARE_REQUESTS_PER_HOUR": int(os.environ.get("DECLARE_REQUESTS_PER_HOUR", 20)),
        "DECLARE_CODE_MINUTES": int(os.environ.get("DECLARE_CODE_MINUTES", 10)),
        "DECLARE_VOICE_MAX_KB": int(os.environ.get("DECLARE_VOICE_MAX_KB", 2048)),
        "DECLARE_DUE_DAYS": int(os.environ.get("DECLARE_DUE_DAYS", 3)),
        "FOLLOWUP_OFFSETS": _ints("FOLLOWUP_OFFSETS"),
        "FOLLOWUP_FESTIVAL_DAYS": int(os.environ.get("FOLLOWUP_FESTIVAL_DAYS", 14)),
        "MATCH_WEIGHTS": _json("MATCH_WEIGHTS"),
        "MATCH_POLICY_VALUES": _json("MATCH_POLICY_VALUES"),
        "FIGURES_CACHE_SECONDS": float(os.environ.get("FIGURES_CACHE_SECONDS", 300)),
        "BOARD_CACHE_SECONDS": float(os.environ.get("BOARD_CACHE_SECONDS", 600)),
        "MATCH_INDEX_RECHECK_SECONDS": float(os.environ.get("MATCH_INDEX_RECHECK_SECONDS", 300)),
        "MATCH_RETENTION_SECONDS": float(os.environ.get("MATCH_RETENTION_SECONDS", 900)),
        "CHECKIN_DAY": int(os.environ.get("CHECKIN_DAY", 5)),
        "CHECKIN_REMIND_DAYS": int(os.environ.get("CHECKIN_REMIND_DAYS", 3)),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
    }
