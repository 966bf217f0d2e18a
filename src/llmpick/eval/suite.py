"""The prompt suite file: prompts with variables, an optional system prompt, and per-test assertions.

Loading names the field and the YAML line of every problem, as profiles do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from llmpick.errors import LlmpickError

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class SuiteError(LlmpickError):
    """A suite file that cannot be read or validated; each problem names its field and line."""

    def __init__(self, problems: list[str], source: str = "suite") -> None:
        self.problems = problems
        self.source = source
        super().__init__(f"{source} is not a valid suite:\n" + "\n".join(f"  - {p}" for p in problems))


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Params(Section):
    """Generation parameters sent with every call (null leaves the server's default)."""

    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, gt=0)
    top_p: float | None = Field(None, gt=0, le=1)
    seed: int | None = None
    stop: list[str] | None = None

    def merged(self, override: Params | None) -> Params:
        if override is None:
            return self
        return Params.model_validate({**self.model_dump(), **override.model_dump(exclude_none=True)})


class _Check(Section):
    weight: float = Field(1.0, gt=0, description="weight of this check in the test's score")


class Equals(_Check):
    type: Literal["equals"]
    value: str
    ignore_case: bool = False
    negate: bool = False


class Contains(_Check):
    type: Literal["contains"]
    value: str | list[str] = Field(description="text (or every text of a list) the answer must contain")
    ignore_case: bool = True
    negate: bool = False


class Regex(_Check):
    type: Literal["regex"]
    pattern: str
    ignore_case: bool = False
    negate: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class IsJson(_Check):
    """The whole answer is JSON (strict)."""

    type: Literal["is-json"]
    negate: bool = False


class ContainsJson(_Check):
    """The answer holds JSON somewhere: whole, in a fenced block, or the outermost {...} or [...]."""

    type: Literal["contains-json"]
    negate: bool = False


class JsonSchema(_Check):
    type: Literal["json-schema"]
    schema_: dict[str, Any] = Field(alias="schema")

    @field_validator("schema_")
    @classmethod
    def _valid_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            import jsonschema
        except ImportError:  # checked again when the assertion runs
            return value
        try:
            jsonschema.validators.validator_for(value).check_schema(value)
        except jsonschema.SchemaError as exc:
            raise ValueError(f"invalid JSON schema: {exc.message}") from None
        return value


class Similarity(_Check):
    type: Literal["similarity"]
    reference: str
    threshold: float = Field(0.75, ge=-1, le=1, description="cosine similarity needed to pass")


class LlmJudge(_Check):
    type: Literal["llm-judge"]
    rubric: str
    threshold: float = Field(0.7, ge=0, le=1, description="judge score (0–1) needed to pass")


class Latency(_Check):
    type: Literal["latency"]
    max_s: float | None = Field(None, gt=0, description="whole answer within this many seconds")
    max_ttft_s: float | None = Field(None, gt=0, description="first token within this many seconds")

    @model_validator(mode="after")
    def _some_limit(self) -> Latency:
        if self.max_s is None and self.max_ttft_s is None:
            raise ValueError("give max_s, max_ttft_s or both")
        return self


class Cost(_Check):
    type: Literal["cost"]
    max_usd: float = Field(gt=0, description="most a single request may cost")


Assertion = Annotated[
    Equals | Contains | Regex | IsJson | ContainsJson | JsonSchema | Similarity | LlmJudge | Latency | Cost,
    Field(discriminator="type"),
]


class Message(Section):
    role: Literal["system", "user", "assistant"]
    content: str


class PriceConfig(Section):
    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)


class EndpointConfig(Section):
    """A model behind an API: an OpenAI-compatible base URL, or Anthropic's."""

    kind: Literal["openai", "anthropic"] = "openai"
    base_url: str | None = Field(None, description="null: the SDK's default (api.openai.com / api.anthropic.com)")
    model: str
    api_key_env: str | None = Field(None, description="name of the environment variable holding the key")
    concurrency: int | None = Field(None, ge=1)
    price: PriceConfig | None = None

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError("must be the NAME of an environment variable, never the key itself")
        return value


class ProviderOverride(Section):
    """How to reach a catalog provider's API when its routes are evaluated."""

    base_url: str | None = None
    api_key_env: str | None = None


class Test(Section):
    id: str
    description: str | None = None
    task: str | None = Field(None, description="the task this test measures (default: the suite's task)")
    system: str | None = None
    prompt: str | None = None
    messages: list[Message] | None = None
    vars: dict[str, str | int | float | bool] = Field(default_factory=dict)
    params: Params | None = None
    assert_: list[Assertion] = Field(default_factory=list, alias="assert")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not ID.match(value):
            raise ValueError("use letters, digits, '.', '_' and '-' only")
        return value

    @model_validator(mode="after")
    def _one_input(self) -> Test:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("give exactly one of prompt or messages")
        return self


class Suite(Section):
    name: str = Field(min_length=1)
    description: str | None = None
    task: str = Field("text", description="the task the tests measure, unless a test names its own")
    system: str | None = Field(None, description="system prompt for every test without its own")
    vars: dict[str, str | int | float | bool] = Field(default_factory=dict)
    params: Params = Field(default_factory=Params)
    assert_: list[Assertion] = Field(default_factory=list, alias="assert", description="checks on every test")
    judge: EndpointConfig | None = Field(None, description="endpoint that grades llm-judge assertions")
    endpoints: dict[str, EndpointConfig] = Field(default_factory=dict, description="extra endpoints to evaluate")
    providers: dict[str, ProviderOverride] = Field(default_factory=dict)
    tests: list[Test] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Suite:
        seen: set[str] = set()
        for test in self.tests:
            if test.id in seen:
                raise ValueError(f"test id {test.id!r} is used twice")
            seen.add(test.id)
        for test in self.tests:
            known = {**self.vars, **test.vars}
            missing = sorted(set(VARIABLE.findall(_texts(self, test))) - set(known))
            if missing:
                raise ValueError(f"test {test.id!r} uses undefined variable(s): {', '.join(missing)}")
            if any(a.type == "llm-judge" for a in [*self.assert_, *test.assert_]) and self.judge is None:
                raise ValueError(f"test {test.id!r} has an llm-judge assertion but the suite names no judge")
        return self

    def task_of(self, test: Test) -> str:
        return test.task or self.task

    def checks(self, test: Test) -> list[Any]:
        return [*self.assert_, *test.assert_]

    def messages(self, test: Test) -> list[dict[str, str]]:
        """The rendered chat messages of one test."""
        values = {**self.vars, **test.vars}
        system = test.system if test.system is not None else self.system
        out: list[dict[str, str]] = []
        if system and not (test.messages and test.messages[0].role == "system"):
            out.append({"role": "system", "content": render(system, values)})
        if test.messages is not None:
            out += [{"role": m.role, "content": render(m.content, values)} for m in test.messages]
        else:
            out.append({"role": "user", "content": render(test.prompt or "", values)})
        return out

    def params_for(self, test: Test) -> Params:
        return self.params.merged(test.params)

    def fingerprint(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)


def _texts(suite: Suite, test: Test) -> str:
    parts = [suite.system or "", test.system or "", test.prompt or ""]
    parts += [m.content for m in test.messages or []]
    return "\n".join(parts)


def render(template: str, values: dict[str, Any]) -> str:
    return VARIABLE.sub(lambda m: str(values[m.group(1)]), template)


def load_suite(path: Path) -> Suite:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(["file not found"], str(path)) from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise SuiteError([f"cannot read the file ({exc.__class__.__name__})"], str(path)) from None
    return parse_suite(text, str(path))


def parse_suite(text: str, source: str = "suite") -> Suite:
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise SuiteError([yaml_problem(exc)], source) from None
    if not isinstance(data, dict):
        raise SuiteError(["the suite must be a YAML mapping (name, tests, …)"], source)
    from llmpick.eval import promptfoo

    if promptfoo.looks_like(data):
        data = promptfoo.convert(data, root, source)
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError([_describe(error, root) for error in exc.errors()], source) from None


def yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's message with the line where the trouble started (an unclosed quote: where it opened),
    not only where the parser gave up (often the end of the file)."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    where = f"line {problem_mark.line + 1}, column {problem_mark.column + 1}: " if problem_mark is not None else ""
    text = f"{where}YAML syntax error: {getattr(exc, 'problem', None) or exc}"
    context = getattr(exc, "context", None)
    if context and context_mark is not None:
        text += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    return text


def _describe(error: Any, root: yaml.Node | None) -> str:
    loc = [part for part in error["loc"] if not (isinstance(part, str) and _is_tag(part))]
    field = ".".join(str(part) for part in loc) or "suite"
    line = _line_of(root, loc)
    where = f"{field} (line {line})" if line else field
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown field"
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"{where}: unknown assertion type {error.get('ctx', {}).get('tag')!r} (allowed: {expected})"
    if kind == "union_tag_not_found":
        return f"{where}: every assertion needs a type"
    if kind in ("enum", "literal_error"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: {error['input']!r} is not allowed (allowed: {expected.replace(chr(39), '')})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return f"{where}: {message}"
    return f"{where}: {message} (got {error.get('input')!r})"


_TAGS = {
    "equals",
    "contains",
    "regex",
    "is-json",
    "contains-json",
    "json-schema",
    "similarity",
    "llm-judge",
    "latency",
    "cost",
}


def _is_tag(part: str) -> bool:
    return part in _TAGS


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """The 1-based YAML line of the deepest node along `loc` that exists."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child, line = value, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
