"""The fault plan: failures injected on top of the rules, for what state alone cannot produce.

A rule pairs a matcher (realm, method, path, entity, operation, body fields) with an action:

* ``fault`` — answer with a catalogued fault (``Throttled``, ``DuplicateDocNumber``, ``503`` ...);
* ``latency`` — wait, then serve normally;
* ``drop`` — close the connection without an answer (before the write happens);
* ``timeout`` — hold the request until the client gives up, then close it.

``when="after"`` runs the action after the write was committed: the "QuickBooks saved it but
the response never arrived" case that idempotent clients must survive. ``times`` bounds a rule
("the next 2 invoice creates"), ``skip`` lets the first N matches through. Like ``responses``'
matchers, every check returns ``(matched, reason)``, so a rule can say why it fired and the
control API can say why the others did not.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from simulator.faults import CATALOGUE, fault_by_name
from simulator.store import get_path

__all__ = ["FaultPlan", "FaultRule", "RequestFacts", "RuleError", "ACTIONS"]

ACTIONS = ("fault", "latency", "drop", "timeout")
OPERATIONS = ("create", "read", "update", "delete", "void", "query", "batch", "cdc", "send", "pdf", "token",
              "revoke", "userinfo", "report", "upload", "download")
MAX_WAIT_SECONDS = 300.0


class RuleError(ValueError):
    """A fault rule that cannot work, with what is wrong with it."""


@dataclass(frozen=True)
class RequestFacts:
    """What a matcher can look at."""

    method: str
    path: str
    realm_id: str | None = None
    entity: str | None = None
    operation: str | None = None
    body: Any = None


@dataclass
class FaultRule:
    action: str = "fault"
    fault: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    when: str = "before"
    latency_ms: float = 0.0
    seconds: float = 30.0
    realm_id: str | None = None
    method: str | None = None
    path: str | None = None
    entity: str | None = None
    operation: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    times: int | None = None
    skip: int = 0
    id: str = ""
    hits: int = 0
    seen: int = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise RuleError(f"action must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        if self.when not in ("before", "after"):
            raise RuleError(f"when must be 'before' or 'after', not {self.when!r}")
        if self.action == "fault":
            if not self.fault:
                raise RuleError("a 'fault' rule needs 'fault': the name or code of a catalogued fault")
            try:
                cls = fault_by_name(str(self.fault))
            except KeyError as exc:
                raise RuleError(str(exc.args[0])) from None
            self.fault = cls.name
            unknown = set(self.params) - cls.parameters()
            if unknown:
                raise RuleError(f"fault {cls.name} takes parameters {sorted(cls.parameters()) or 'none'}, "
                                f"not {sorted(unknown)}")
        if self.operation is not None and self.operation not in OPERATIONS:
            raise RuleError(f"operation must be one of {', '.join(OPERATIONS)}, not {self.operation!r}")
        for name in ("times", "skip"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise RuleError(f"{name} must be a whole number ≥ 0, not {value!r}")
        for name in ("latency_ms", "seconds"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= MAX_WAIT_SECONDS * 1000:
                raise RuleError(f"{name} must be a number between 0 and {MAX_WAIT_SECONDS:g} s")
        if self.seconds > MAX_WAIT_SECONDS:
            raise RuleError(f"seconds must be at most {MAX_WAIT_SECONDS:g}")
        if self.path is not None:
            try:
                self._path_re = re.compile(self.path) if self.path.startswith("^") else None
            except re.error as exc:
                raise RuleError(f"path regex {self.path!r} does not compile: {exc}") from None
        if not isinstance(self.body, dict):
            raise RuleError("body must be an object of {dotted.path: value}")

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def check(self, facts: RequestFacts) -> tuple[bool, str]:
        """Whether the rule applies to the request, and why (not)."""
        if self.exhausted:
            return False, f"rule {self.id} is used up ({self.hits}/{self.times})"
        reasons = []
        for name, wanted, actual in (("realm", self.realm_id, facts.realm_id), ("entity", self.entity, facts.entity),
                                     ("operation", self.operation, facts.operation)):
            if wanted is None:
                continue
            if (actual or "").lower() != str(wanted).lower():
                return False, f"{name} {actual!r} is not {wanted!r}"
            reasons.append(f"{name}={actual}")
        if self.method is not None:
            if facts.method.upper() != self.method.upper():
                return False, f"method {facts.method} is not {self.method.upper()}"
            reasons.append(f"method={facts.method}")
        if self.path is not None:
            matched = self._path_re.search(facts.path) if self._path_re else fnmatchcase(facts.path, self.path)
            if not matched:
                return False, f"path {facts.path} does not match {self.path!r}"
            reasons.append(f"path~{self.path}")
        for dotted, wanted in self.body.items():
            actual = get_path(facts.body, dotted) if isinstance(facts.body, dict) else None
            if str(actual) != str(wanted):
                return False, f"body {dotted}={actual!r} is not {wanted!r}"
            reasons.append(f"body {dotted}={wanted!r}")
        return True, ", ".join(reasons) or "matches every request"

    def describe(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        out["exhausted"] = self.exhausted
        if self.fault:
            out["fault_detail"] = CATALOGUE[self.fault].describe()
        return out


@dataclass(frozen=True)
class Match:
    rule: FaultRule
    reason: str


class FaultPlan:
    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, **spec: Any) -> FaultRule:
        known = set(FaultRule.__dataclass_fields__) - {"id", "hits", "seen"}
        unknown = set(spec) - known
        if unknown:
            raise RuleError(f"unknown rule keys {sorted(unknown)}; a rule takes {sorted(known)}")
        rule = FaultRule(**spec)
        with self._lock:
            rule.id = f"rule-{next(self._ids)}"
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self, realm_id: str | None = None) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if realm_id is not None and r.realm_id != realm_id]

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def has_rules(self) -> bool:
        """Whether any rule is set: lets the request path skip building :class:`RequestFacts` when none is.

        Rules are only ever replaced or appended under the lock, so reading the list's length without it
        is safe; a rule added while a request is already past this check does not apply to that request,
        as it would not had the request arrived a moment earlier.
        """
        return bool(self._rules)

    def match(self, facts: RequestFacts, *, when: str) -> Match | None:
        """The first live rule for ``facts`` at phase ``when``; counts the hit atomically."""
        with self._lock:
            for rule in self._rules:
                if rule.when != when:
                    continue
                matched, reason = rule.check(facts)
                if not matched:
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                rule.hits += 1
                return Match(rule, reason)
        return None

    def explain(self, facts: RequestFacts) -> list[dict[str, Any]]:
        """Every rule with whether it would match ``facts`` and why: for diagnosing a plan."""
        with self._lock:
            return [{"rule": r.id, "matched": m, "reason": why} for r in self._rules for m, why in [r.check(facts)]]
