"""What the views share: the loaded packs and the decision log of one app."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..decisions import DecisionLog
from .catalog import Catalog

EXTENSION = "compliance_check"


@dataclass
class Service:
    catalog: Catalog
    decisions: DecisionLog


def service() -> Service:
    return current_app.extensions[EXTENSION]
