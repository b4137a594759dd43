"""``/contacts``: upload a contact log, see the findings grouped by rule and by agent, and
download them as CSV or JSON. A plain HTML form; no JavaScript needed."""
from __future__ import annotations

import base64
import io
import json
from collections import Counter
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from ..contacts.audit import INPUT_RULE, AuditResult
from ..contacts.records import read_log
from ..errors import InputError
from ..formats.csv import format_findings
from .catalog import SelectionError
from .apart import apart
from .contacts import audit, auditor_for
from .csrf import FIELD as CSRF_FIELD
from .csrf import csrf_token, csrf_valid
from .i18n import STRINGS, language
from .pages import default_scope, scope_options, selection
from .service import service

bp = Blueprint("contacts_page", __name__)
FORMATS = ("html", "csv", "json")


def _render(lang: str, status: int = 200, scope: str | None = None, result: AuditResult | None = None,
            errors: list[str] | None = None, filename: str = ""):
    catalog = service().catalog
    strings = STRINGS[lang]
    context: dict[str, Any] = {
        "t": strings, "lang": lang, "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(),
        "scope": default_scope(catalog, lang) if scope is None else scope, "scopes": scope_options(catalog, strings),
        "errors": errors or [], "filename": filename, "result": result,
    }
    if result is not None:
        judged = [f for f in result.findings if f.kind != INPUT_RULE]
        messages = {f.rule: f.message for f in judged}
        context.update(
            summary=result.summary(), findings=judged,
            rejected=[f for f in result.findings if f.kind == INPUT_RULE],
            by_rule=[(rule, messages[rule], n) for rule, n in Counter(f.rule for f in judged).most_common()],
            by_agent=Counter(f.agent or "-" for f in judged).most_common(),
            csv_href="data:text/csv;charset=utf-8;base64," + base64.b64encode(_csv(result).encode()).decode(),
            json_href="data:application/json;charset=utf-8;base64," + base64.b64encode(_json(result).encode()).decode(),
        )
    return render_template("contacts.html", **context), status


def _csv(result: AuditResult) -> str:
    return format_findings(result.findings) + "\n"


def _json(result: AuditResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


@bp.get("/contacts")
def contacts():
    return _render(language())


@bp.post("/contacts")
def upload():
    request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"]  # a log is larger than an API body
    lang = language()
    strings = STRINGS[lang]
    scope = request.form.get("scope", "")
    if not csrf_valid(request.form.get(CSRF_FIELD)):
        return _render(lang, 400, scope, errors=[strings["csrf_failed"]])
    upload = request.files.get("log")
    if upload is None or not upload.filename:
        return _render(lang, 400, scope, errors=[strings["no_file"]])
    name = upload.filename
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _render(lang, 400, scope, errors=[strings["not_utf8"]], filename=name)
    catalog = service().catalog
    try:
        items = list(read_log(io.StringIO(text, newline=""), name))
        auditor = auditor_for(catalog, selection(catalog, scope), "scope")
    except InputError as exc:
        return _render(lang, 400, scope, errors=[str(p) for p in exc.problems], filename=name)
    except SelectionError as exc:
        return _render(lang, 400, scope, errors=[f"{strings['scope']}: {exc.message}"], filename=name)
    limit = current_app.config["MAX_RECORDS"]
    if len(items) > limit:
        return _render(lang, 413, scope, errors=[strings["too_many_records"].format(count=len(items), limit=limit)], filename=name)
    result = apart(audit, auditor, items)
    wanted = request.form.get("format", "html")
    if wanted == "csv":
        return Response(_csv(result), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="findings.csv"'})
    if wanted == "json":
        return Response(_json(result), mimetype="application/json",
                        headers={"Content-Disposition": 'attachment; filename="findings.json"'})
    return _render(lang, scope=scope, result=result, filename=name)
