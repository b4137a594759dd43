"""``/healthz`` and ``/openapi.json``: open unless the operator protects the UI (see ``auth``)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .openapi import build_openapi
from .service import service

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz():
    catalog = service().catalog
    return jsonify({"status": "ok", "packs": [p.summary() for p in catalog.packs.values()]})


@bp.get("/openapi.json")
def openapi():
    catalog = service().catalog
    return jsonify(build_openapi(current_app.config, list(catalog.packs), catalog.jurisdictions()))
