"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure): one test
case per template file; an active finding at or above the failing severity is a
failure, the others (and suppressed or baselined findings) are listed as its output."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import SEVERITY_RANK
from ..templates.model import Report, TemplateFinding


def _line(f: TemplateFinding) -> str:
    x = f.finding
    state = f" [suppressed: {f.suppressed}]" if f.suppressed is not None else " [baseline]" if f.baselined else ""
    return f"{f.path}:{f.line}:{f.column}: {x.severity} {x.rule} {x.message}{state}"


def format_report(report: Report) -> str:
    threshold = SEVERITY_RANK[report.fail_on]
    suites = ET.Element("testsuites", name="compliance-check templates")
    suite = ET.SubElement(suites, "testsuite", name="compliance-check templates")
    tests = failures = errors = 0
    for file in report.files:
        tests += 1
        case = ET.SubElement(suite, "testcase", classname="compliance-check.templates", name=file.path)
        if file.problems:
            errors += 1
            problem = ET.SubElement(case, "error", message=file.problems[0].message, type="input")
            problem.text = "\n".join(str(p) for p in file.problems)
            continue
        failing = [f for f in file.findings if f.active and SEVERITY_RANK[f.finding.severity] >= threshold]
        others = [f for f in file.findings if f not in failing]
        if failing:
            failures += 1
            first = failing[0].finding
            failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s); first: {first.rule} {first.message}", type=first.rule)
            failure.text = "\n".join(_line(f) for f in failing)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
