"""Read a promptfoo config (``promptfooconfig.yaml``) as an llmpick suite.

Mapped: ``description``, ``prompts`` (strings or {raw, label}; several prompts multiply the tests, as in
promptfoo), ``providers`` (openai, anthropic and ollama ids, with apiBaseUrl/apiKeyEnvar and sampling
config), ``defaultTest`` (vars, assert, options.provider as the judge), ``tests`` (description, vars,
assert, options.provider) and the common assertion types: equals, contains, icontains, contains-all,
icontains-all, contains-any, regex, is-json, contains-json, llm-rubric, similar, latency, cost, each with
promptfoo's ``not-`` prefix where it has a meaning. Anything else is an error naming the key and its line:
a suite that silently lost a check would report passes it never checked.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from llmpick.eval.suite import ID, SuiteError, _line_of

PROMPTFOO_KEYS = {"description", "prompts", "providers", "defaultTest", "tests"}
PARAMS = {"temperature": "temperature", "max_tokens": "max_tokens", "top_p": "top_p", "seed": "seed", "stop": "stop"}
CONNECTION = {"apiBaseUrl": "base_url", "apiHost": "base_url", "apiKeyEnvar": "api_key_env"}
CODE_CHECKS = {"javascript", "python", "webhook"}
OLLAMA_URL = "http://localhost:11434/v1"


def looks_like(data: dict[str, Any]) -> bool:
    """A promptfoo config: it has prompts or defaultTest, or providers as a list (llmpick's is a mapping)."""
    return "prompts" in data or "defaultTest" in data or isinstance(data.get("providers"), list)


class _Problems:
    def __init__(self, root: yaml.Node | None) -> None:
        self.root, self.items = root, []  # type: ignore[var-annotated]

    def add(self, loc: list[Any], message: str) -> None:
        field = ".".join(map(str, loc)) or "config"
        line = _line_of(self.root, loc)
        self.items.append(f"{field}{f' (line {line})' if line else ''}: {message}")


def convert(data: dict[str, Any], root: yaml.Node | None, source: str) -> dict[str, Any]:
    """The llmpick suite (as a dict, validated afterwards like any suite) equivalent to a promptfoo config."""
    problems = _Problems(root)
    for key in data:
        if key not in PROMPTFOO_KEYS:
            problems.add(
                [key], f"promptfoo key {key!r} has no llmpick equivalent (mapped: {', '.join(sorted(PROMPTFOO_KEYS))})"
            )
    prompts = _prompts(data.get("prompts"), problems)
    endpoints, params = _providers(data.get("providers"), problems)
    default = data.get("defaultTest") or {}
    suite: dict[str, Any] = {"name": str(data.get("description") or "promptfoo suite"), "endpoints": endpoints}
    if params:
        suite["params"] = params
    judge = None
    if isinstance(default, dict):
        _only(default, {"vars", "assert", "options", "description"}, ["defaultTest"], problems)
        if default.get("vars"):
            suite["vars"] = _vars(default["vars"], ["defaultTest", "vars"], problems)
        suite["assert"] = _asserts(default.get("assert") or [], ["defaultTest", "assert"], problems)
        judge = _grader(default.get("options"), ["defaultTest", "options"], problems)
    else:
        problems.add(["defaultTest"], "must be a mapping")
    tests = data.get("tests")
    if isinstance(tests, str) or (isinstance(tests, list) and any(isinstance(t, str) for t in tests)):
        problems.add(["tests"], "tests from files (file://…, CSV, JSON) are not read: list the tests in the config")
        tests = []
    out_tests: list[dict[str, Any]] = []
    used: set[str] = set()
    for i, test in enumerate(tests or []):
        loc: list[Any] = ["tests", i]
        if not isinstance(test, dict):
            problems.add(loc, "a test must be a mapping")
            continue
        _only(test, {"description", "vars", "assert", "options"}, loc, problems)
        checks = _asserts(test.get("assert") or [], [*loc, "assert"], problems)
        judge = _grader(test.get("options"), [*loc, "options"], problems) or judge
        base = _slug(str(test.get("description") or f"test-{i + 1}"), used)
        for k, (prompt, label) in enumerate(prompts or [("", None)]):
            entry: dict[str, Any] = {
                "id": base if len(prompts) <= 1 else f"{base}.p{k + 1}",
                "description": " / ".join(str(p) for p in (test.get("description"), label) if p) or None,
                "vars": _vars(test.get("vars") or {}, [*loc, "vars"], problems),
                "assert": checks,
            }
            entry.update(_prompt_field(prompt))
            out_tests.append(entry)
    suite["tests"] = out_tests
    if judge is not None:
        suite["judge"] = judge
    elif any(_uses_judge(t.get("assert", [])) for t in [suite, *out_tests]):
        problems.add(
            ["defaultTest", "options", "provider"],
            "llm-rubric needs a grader: name it here (promptfoo falls back to an OpenAI model; llmpick does not guess)",
        )
    if problems.items:
        raise SuiteError(problems.items, f"{source} (read as a promptfoo config)")
    return suite


def _only(data: dict[str, Any], allowed: set[str], loc: list[Any], problems: _Problems) -> None:
    for key in data:
        if key not in allowed:
            problems.add(
                [*loc, key], f"promptfoo key {key!r} is not mapped (mapped here: {', '.join(sorted(allowed))})"
            )


def _slug(text: str, used: set[str]) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-.").lower()[:60] or "test"
    if not ID.match(slug):
        slug = f"t-{slug}"
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


def _prompts(value: Any, problems: _Problems) -> list[tuple[str, str | None]]:
    if value is None:
        problems.add(["prompts"], "required: promptfoo's prompts are the text sent to the providers")
        return []
    items = value if isinstance(value, list) else [value]
    out: list[tuple[str, str | None]] = []
    for i, item in enumerate(items):
        loc = ["prompts", i] if isinstance(value, list) else ["prompts"]
        text, label = (item, None) if isinstance(item, str) else (None, None)
        if isinstance(item, dict):
            _only(item, {"raw", "label", "id"}, loc, problems)
            text, label = item.get("raw"), item.get("label") or item.get("id")
        if not isinstance(text, str):
            problems.add(loc, "a prompt must be a string or {raw, label}")
            continue
        if text.startswith("file://"):
            problems.add(loc, f"prompt files ({text}) are not read: put the prompt text in the config")
            continue
        if "{%" in text or re.search(r"\{\{[^}]*\|", text):
            problems.add(loc, "Nunjucks tags and filters are not supported: only {{ variable }} is substituted")
            continue
        out.append((text, label))
    return out


def _prompt_field(prompt: str) -> dict[str, Any]:
    """promptfoo also takes a chat as a JSON/YAML list of {role, content} in the prompt string."""
    stripped = prompt.strip()
    if stripped.startswith("["):
        try:
            messages = yaml.safe_load(stripped)
        except yaml.YAMLError:
            messages = None
        if isinstance(messages, list) and all(isinstance(m, dict) and {"role", "content"} <= set(m) for m in messages):
            return {"messages": [{"role": m["role"], "content": m["content"]} for m in messages]}
    return {"prompt": prompt}


def _vars(value: Any, loc: list[Any], problems: _Problems) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.add(loc, "vars must be a mapping")
        return {}
    out = {}
    for key, v in value.items():
        if isinstance(v, list | dict):
            problems.add(
                [*loc, key], "list or mapping values (promptfoo's test matrix) are not supported: one value per var"
            )
        elif isinstance(v, str) and v.startswith("file://"):
            problems.add([*loc, key], f"var files ({v}) are not read: put the value in the config")
        else:
            out[key] = v
    return out


def _provider(item: Any, loc: list[Any], problems: _Problems) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(endpoint name, llmpick endpoint config, sampling params) of one promptfoo provider."""
    config: dict[str, Any] = {}
    if isinstance(item, str):
        pid, label = item, None
    elif isinstance(item, dict) and isinstance(item.get("id"), str):
        _only(item, {"id", "label", "config"}, loc, problems)
        pid, label, config = item["id"], item.get("label"), item.get("config") or {}
    else:
        problems.add(loc, "a provider must be an id such as openai:gpt-4o-mini, or {id, label, config}")
        return None
    parts = pid.split(":")
    family = parts[0]
    model = parts[-1] if len(parts) > 1 else ""
    if family == "openai" and len(parts) in (2, 3) and (len(parts) == 2 or parts[1] == "chat"):
        endpoint: dict[str, Any] = {"kind": "openai", "model": model}
    elif family == "anthropic" and len(parts) in (2, 3) and (len(parts) == 2 or parts[1] == "messages"):
        endpoint = {"kind": "anthropic", "model": model}
    elif family == "ollama" and len(parts) in (2, 3) and (len(parts) == 2 or parts[1] == "chat"):
        endpoint = {"kind": "openai", "model": model, "base_url": OLLAMA_URL}
    else:
        problems.add(
            [*loc] + (["id"] if isinstance(item, dict) else []),
            f"provider {pid!r} is not mapped (mapped: openai:[chat:]MODEL, anthropic:[messages:]MODEL, "
            "ollama:[chat:]MODEL; any other OpenAI-compatible server: openai:chat:MODEL with config.apiBaseUrl)",
        )
        return None
    params: dict[str, Any] = {}
    for key, value in config.items():
        if key in CONNECTION:
            url = value if key != "apiHost" or "://" in str(value) else f"https://{value}/v1"
            endpoint[CONNECTION[key]] = url
        elif key in PARAMS:
            params[PARAMS[key]] = value
        else:
            problems.add(
                [*loc, "config", key],
                f"provider config key {key!r} is not mapped (mapped: {', '.join(sorted([*CONNECTION, *PARAMS]))})",
            )
    return str(label or pid), endpoint, params


def _providers(value: Any, problems: _Problems) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(value, list) or not value:
        problems.add(["providers"], "required: a list of providers (endpoints) to evaluate")
        return {}, {}
    endpoints: dict[str, Any] = {}
    params: dict[str, Any] | None = None
    for i, item in enumerate(value):
        found = _provider(item, ["providers", i], problems)
        if found is None:
            continue
        name, endpoint, own = found
        if name in endpoints:
            problems.add(["providers", i], f"provider {name!r} is listed twice: give each a distinct label")
        endpoints[name] = endpoint
        if params is None:
            params = own
        elif own != params:
            problems.add(
                ["providers", i, "config"],
                "sampling settings differ between providers: llmpick sends "
                "the same parameters to every endpoint (move them to one provider or make them equal)",
            )
    return endpoints, params or {}


def _grader(options: Any, loc: list[Any], problems: _Problems) -> dict[str, Any] | None:
    if not options:
        return None
    if not isinstance(options, dict):
        problems.add(loc, "options must be a mapping")
        return None
    _only(options, {"provider"}, loc, problems)
    if "provider" not in options:
        return None
    found = _provider(options["provider"], [*loc, "provider"], problems)
    return found[1] if found else None


def _uses_judge(checks: list[dict[str, Any]]) -> bool:
    return any(c.get("type") == "llm-judge" for c in checks)


_NEGATABLE = {
    "equals",
    "contains",
    "icontains",
    "contains-all",
    "icontains-all",
    "contains-any",
    "regex",
    "is-json",
    "contains-json",
}
ASSERTION_KEYS = {"type", "value", "threshold", "weight"}


def _asserts(items: Any, loc: list[Any], problems: _Problems) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        problems.add(loc, "assert must be a list")
        return []
    out = []
    for i, item in enumerate(items):
        here = [*loc, i]
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            problems.add(here, "an assertion must be a mapping with a type")
            continue
        _only(item, ASSERTION_KEYS, here, problems)
        mapped = _assertion(item, here, problems)
        if mapped is not None:
            if "weight" in item:
                mapped["weight"] = item["weight"]
            out.append(mapped)
    return out


def _assertion(item: dict[str, Any], loc: list[Any], problems: _Problems) -> dict[str, Any] | None:
    kind: str = item["type"]
    negate = kind.startswith("not-")
    base = kind.removeprefix("not-")
    value, threshold = item.get("value"), item.get("threshold")
    type_loc = [*loc, "type"]
    if base in CODE_CHECKS:
        problems.add(
            type_loc,
            f"{kind!r} assertions run code, which llmpick does not: rewrite the check as "
            "equals, contains, regex, is-json or a JSON schema, or as an llm-rubric",
        )
        return None
    if negate and base not in _NEGATABLE:
        problems.add(type_loc, f"{kind!r}: the not- prefix is supported only for {', '.join(sorted(_NEGATABLE))}")
        return None
    out: dict[str, Any] | None
    if base == "equals":
        out = {"type": "equals", "value": str(value)}
    elif base in ("contains", "icontains", "contains-all", "icontains-all"):
        out = {
            "type": "contains",
            "value": value if isinstance(value, list) else str(value),
            "ignore_case": base.startswith("i"),
        }
    elif base == "contains-any":
        options = value if isinstance(value, list) else [value]
        out = {"type": "regex", "pattern": "|".join(re.escape(str(v)) for v in options)}
    elif base == "regex":
        out = {"type": "regex", "pattern": str(value)}
    elif base in ("is-json", "contains-json"):
        # with a schema (promptfoo's value): the JSON found must also match it
        out = {"type": "json-schema", "schema": value} if isinstance(value, dict) else {"type": base}
    elif base == "llm-rubric":
        out = {"type": "llm-judge", "rubric": str(value)}
        if threshold is not None:
            out["threshold"] = threshold
    elif base == "similar":
        out = {"type": "similarity", "reference": str(value)}
        if threshold is not None:
            out["threshold"] = threshold
    elif base == "latency":
        if threshold is None:
            problems.add(loc, "latency needs threshold (milliseconds)")
            return None
        out = {"type": "latency", "max_s": float(threshold) / 1000}
    elif base == "cost":
        if threshold is None:
            problems.add(loc, "cost needs threshold (dollars per request)")
            return None
        out = {"type": "cost", "max_usd": float(threshold)}
    else:
        problems.add(
            type_loc,
            f"promptfoo assertion type {kind!r} is not mapped (mapped: equals, contains, icontains, "
            "contains-all, icontains-all, contains-any, regex, is-json, contains-json, llm-rubric, similar, "
            "latency, cost)",
        )
        return None
    if base in ("regex",) and value is None:
        problems.add(loc, "regex needs value (the pattern)")
        return None
    if threshold is not None and base not in ("llm-rubric", "similar", "latency", "cost"):
        problems.add([*loc, "threshold"], f"threshold has no meaning for {kind!r} in llmpick")
    if negate:
        out["negate"] = True
    return out
