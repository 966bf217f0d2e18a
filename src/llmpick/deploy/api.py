"""API kit: client configuration (base URL, model id, key variable — never a key) and the data-protection checklist."""

from __future__ import annotations

from llmpick.deploy.kit import API_KINDS, Context, Part, Target, env_name, route_kit

# Compliance fact → what to do about it, in the checklist's words.
CHECKS = {
    "hipaa_baa": ("HIPAA", "sign the provider's Business Associate Agreement before any PHI is sent"),
    "zero_data_retention": ("Zero data retention", "request zero data retention for this account / project"),
    "eu_data_residency": ("EU data residency", "choose the EU region / endpoint for this project"),
    "gdpr_dpa": ("GDPR", "sign the Data Processing Addendum"),
    "soc2": ("SOC 2", "obtain the SOC 2 report for your vendor review"),
    "iso27001": ("ISO 27001", "obtain the ISO 27001 certificate for your vendor review"),
    "pci_dss": ("PCI DSS", "confirm the PCI DSS scope before card data is sent"),
}


@route_kit("api")
def build(ctx: Context, target: Target) -> Part | None:
    if target.deployment not in API_KINDS:
        return None
    provider_id = str(target.route.get("provider") or "")
    provider, offering = target.provider, target.offering
    part = Part("api", f"API client ({provider.name if provider else provider_id})", f"{target.slot}/client")
    base = provider.api_base_url if provider else None
    base_url = part.set("base URL", base or "(not in the catalog)", f"catalog provider `{provider_id}` `api_base_url`")
    model = part.set(
        "model id",
        offering.api_model_id if offering else target.model_id,
        f"catalog offering `{target.model_id}` @ `{provider_id}` `api_model_id`" if offering else target.field("model"),
    )
    key = part.set(
        "API key variable",
        env_name(provider_id),
        "llmpick's convention `<PROVIDER>_API_KEY` (the same as `llmpick eval`)",
    )
    compatible = bool(provider and provider.openai_compatible)
    part.set("OpenAI-compatible", compatible, f"catalog provider `{provider_id}` `openai_compatible`")
    part.files[".env.example"] = (
        f"# Keys come from your secret store; this file only names the variables.\n{key}=\n"
        f"LLM_BASE_URL={base_url}\nLLM_MODEL={model}\n"
    )
    part.files["client.py"] = _client(key, base_url, model, compatible or provider_id != "anthropic")
    part.files["data-protection.md"] = checklist(ctx, target)
    part.steps = [
        f'Put the key in `{key}` (your secret store or shell), then `python {part.folder}/client.py "Hello"`.',
        f"Work through `{part.folder}/data-protection.md` before production data is sent.",
    ]
    if not compatible:
        part.notes.append(
            f"{provider_id}'s API is not OpenAI-compatible in the catalog: use its own SDK "
            + ("(`anthropic`; client.py does)." if provider_id == "anthropic" else "or a gateway that translates.")
        )
    return part


def checklist(ctx: Context, target: Target) -> str:
    provider = target.provider
    provider_id = str(target.route.get("provider") or "")
    lines = [f"# Data protection: {provider.name if provider else provider_id}", ""]
    if provider is None:
        return "\n".join([*lines, f"`{provider_id}` is not in the catalog: no compliance facts to check.", ""])
    facts = provider.compliance
    source = provider.sources.get(facts.source)
    lines += [
        f"Facts from the catalog, source: {source.url if source else facts.source} "
        f"(checked {source.as_of.isoformat() if source else 'unknown'}). Tick each before production data is sent.",
        "",
    ]
    needs = _needs(ctx)
    for name, (label, action) in CHECKS.items():
        value = getattr(facts, name)
        state = {True: "offered", False: "NOT offered", None: "unknown — ask the provider"}[value]
        needed = " **(your profile needs it)**" if name in needs else ""
        lines.append(f"- [ ] {label}: {state}{needed}" + (f" — {action}" if value else ""))
    if facts.fedramp:
        lines.append(f"- [ ] FedRAMP: {facts.fedramp}")
    regions = provider.data_location.regions if provider.data_location else []
    lines.append(
        f"- [ ] Region: the catalog lists {', '.join(regions) or 'no regions'} — pin the project to the one your residency allows"
    )
    support = provider.support
    if support and (support.sla or support.enterprise_support):
        lines.append(f"- [ ] Support: SLA {support.sla or 'unknown'}; enterprise support {support.enterprise_support}")
    lines += ["", f"Key: only in the environment variable `{env_name(provider_id)}`; never in code, files or logs.", ""]
    return "\n".join(lines)


def _needs(ctx: Context) -> set[str]:
    if ctx.profile is None:
        return set()
    data = ctx.profile.data
    names = {"hipaa": "hipaa_baa", "gdpr": "gdpr_dpa", "soc2": "soc2", "iso27001": "iso27001", "pci-dss": "pci_dss"}
    needs = {names[c.value] for c in data.compliance if c.value in names}
    if data.sensitivity.value == "regulated":
        needs.add("zero_data_retention")
    if data.residency.value == "eu":
        needs.add("eu_data_residency")
    return needs


def _client(key: str, base_url: str, model: str, openai_sdk: bool) -> str:
    if openai_sdk:
        call = (
            "from openai import OpenAI\n\n"
            f'client = OpenAI(base_url=os.environ.get("LLM_BASE_URL", {base_url!r}), api_key=os.environ[{key!r}])\n'
            "reply = client.chat.completions.create(\n"
            f'    model=os.environ.get("LLM_MODEL", {model!r}), messages=[{{"role": "user", "content": prompt}}]\n'
            ")\nprint(reply.choices[0].message.content)\n"
        )
    else:
        call = (
            "from anthropic import Anthropic\n\n"
            f"client = Anthropic(api_key=os.environ[{key!r}])\n"
            f'reply = client.messages.create(model=os.environ.get("LLM_MODEL", {model!r}), max_tokens=512,\n'
            '                                messages=[{"role": "user", "content": prompt}])\n'
            "print(reply.content[0].text)\n"
        )
    return (
        '"""Call the recommended API route. The key is read from the environment, never stored."""\n\n'
        "import os\nimport sys\n\n"
        'prompt = " ".join(sys.argv[1:]) or "Say hello."\n' + call
    )
