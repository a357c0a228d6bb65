"""/api/v1/docs: Swagger UI served from the installed package (no CDN)."""
from __future__ import annotations

from flask import Blueprint, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs", template_folder="templates",
               static_folder="static")


@bp.route("/")
def docs():
    """The interactive API documentation."""
    return render_template("api/docs.html")


@bp.route("/ui/<path:filename>")
def ui_asset(filename: str):
    """Swagger UI's own files, from the swagger-ui-bundle package."""
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
