"""compliance-check: check debt-collection communications against YAML rule packs.

    >>> from compliance_check import Checker, load_packs
    >>> checker = Checker(load_packs(["cn-collection"]))
    >>> checker.check("再不还钱小心你的腿", channel="sms").verdict
    'block'
"""
from .checker import Checker, MessageResult, check_message
from .errors import InputError, Problem
from .findings import Finding, verdict
from .packs.loader import load_packs

__all__ = ["Checker", "MessageResult", "check_message", "InputError", "Problem", "Finding", "verdict", "load_packs"]
__version__ = "0.1.0"
