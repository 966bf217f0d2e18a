"""Kits for every preset's #1 route and the hybrid example: the right parts, every value explained, no secrets."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmpick.catalog.catalog import Catalog
from llmpick.deploy import DeployError, build_kit
from llmpick.deploy.build import build
from llmpick.eval.suite import parse_suite
from llmpick.presets import list_presets, load_preset
from llmpick.profile import load_profile
from tests.deploy_support import ROOT, document, hybrid_document, kit_files, rec_for, route

EXPECTED = {
    "local": {"llamacpp", "ollama", "lmstudio", "eval"},
    "self-hosted": {"vllm", "sglang", "compose", "k8s", "eval"},
    "saas-api": {"api", "eval"},
    "hosted-open": {"api", "eval"},
}
SECRET = re.compile(r"\b(sk|gsk|xai|pk)[-_][A-Za-z0-9]{12,}")


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_every_presets_first_route_gets_a_kit_for_its_deployment(preset: str, catalog: Catalog) -> None:
    profile = load_preset(preset)
    rec = rec_for(profile, catalog)
    kit = build(rec, catalog, profile=profile)
    kinds = {p.kind for p in kit.parts}
    deployed = [t.route for t in kit.context.targets]
    if rec.get("hybrid"):  # the plan's routes, behind the gateway
        assert "gateway" in kinds and len(deployed) == len(rec["hybrid"]["routes"])
    else:
        assert deployed == rec["recommendations"][:1]
    for target in deployed:
        assert EXPECTED[target["deployment"]] <= kinds
    assert ("rag" in kinds) == (rec["framework"]["precision"]["choice"] == "rag")
    assert ("finetune" in kinds) == (rec["framework"]["precision"]["choice"] in ("lora", "qlora"))
    files = kit.files()
    readme = files["README.md"].decode()
    for part in kit.parts:
        assert f"`{part.folder}/`" in readme  # every part is in the run order or the settings table
        assert all(s.source.strip() for s in part.settings), part.kind
    for name, data in files.items():
        assert not SECRET.search(data.decode()), name
    parse_suite(files["eval/suite.yaml"].decode(), "eval/suite.yaml")  # the suite is a valid llmpick eval suite
    assert json.loads(files["eval/routes.json"])["recommendations"] == deployed


def test_the_hybrid_example_gets_both_routes_and_a_gateway(catalog: Catalog) -> None:
    profile = load_profile(ROOT / "examples" / "helpdesk-hybrid.yaml")
    rec = rec_for(profile, catalog)
    assert rec["hybrid"], "the example is the hybrid one"
    kit = build(rec, catalog, profile=profile)
    slots = {t.slot: t for t in kit.context.targets}
    assert set(slots) == {"private", "api"} and slots["private"].is_private
    config = json.loads(kit.files()["gateway/portkey-config.json"])
    private, api = config["targets"]
    assert config["strategy"]["conditions"] == [{"query": {"metadata.sensitive": {"$eq": "true"}}, "then": "private"}]
    assert private["name"] == "private" and "targets" not in private and "strategy" not in private  # no fallback
    assert api["strategy"] == {"mode": "fallback"} and api["targets"][-1]["custom_host"] == private["custom_host"]
    assert api["targets"][0]["api_key"].startswith("${") and api["targets"][0]["api_key"].endswith("_API_KEY}")


def test_settings_name_their_route_field_and_catalog_fact(catalog: Catalog) -> None:
    profile = load_preset("air-gapped")
    rec = rec_for(profile, catalog)
    first = rec["recommendations"][0]
    assert first["deployment"] == "self-hosted"
    kit = build(rec, catalog, profile=profile)
    vllm = next(p for p in kit.parts if p.kind == "vllm")
    settings = {s.name: s for s in vllm.settings}
    assert settings["tensor parallel size"].value == str(first["hardware_count"])
    assert "`hardware_count`" in settings["tensor parallel size"].source
    assert settings["model weights"].value == catalog.model(first["model"]).hf_repo
    assert settings["max model length / context length"].value == str(profile.workload.needed_context)
    serve = vllm.files["serve.sh"]
    assert f"--tensor-parallel-size {first['hardware_count']}" in serve
    assert f"--max-model-len {profile.workload.needed_context}" in serve


def test_api_kit_names_key_variables_and_the_providers_compliance_facts(catalog: Catalog) -> None:
    rec = document(
        [
            route(
                model="gpt-oss-20b",
                deployment="hosted-open",
                provider="groq",
                runtime=None,
                hardware=None,
                quantization=None,
            )
        ]
    )
    kit = kit_files(rec, catalog)
    files = {k: v.decode() for k, v in kit.files().items()}
    env = files["route-1/client/.env.example"]
    assert "GROQ_API_KEY=\n" in env and "LLM_BASE_URL=https://api.groq.com/openai/v1" in env
    offering = next(o for o in catalog.offerings_of("gpt-oss-20b") if o.provider == "groq")
    assert f"LLM_MODEL={offering.api_model_id}" in env
    checklist = files["route-1/client/data-protection.md"]
    groq = catalog.provider("groq")
    assert groq.sources[groq.compliance.source].url in checklist
    baa = {True: "HIPAA: offered", False: "HIPAA: NOT offered", None: "HIPAA: unknown"}[groq.compliance.hipaa_baa]
    assert baa in checklist and "Zero data retention" in checklist and "Region" in checklist


def test_local_kit_sizes_llama_cpp_from_the_profile(catalog: Catalog) -> None:
    profile = load_preset("startup").model_copy(deep=True)
    rec = document([route(hardware="rtx-4090")])
    kit = kit_files(rec, catalog, profile=profile)
    script = kit.files()["route-1/llamacpp/start.sh"].decode()
    layers = catalog.model("smollm2-135m-instruct").architecture.layers
    assert f"NGL={layers + 1}" in script and f"CTX={profile.workload.needed_context}" in script
    assert f"SLOTS={profile.workload.peak_concurrency}" in script
    modelfile = kit.files()["route-1/ollama/Modelfile"].decode()
    assert f"PARAMETER num_ctx {profile.workload.needed_context}" in modelfile
    assert "FROM ../../models/smollm2-135m-instruct-Q4_0.gguf" in modelfile  # no sourced library tag: import the GGUF


def test_ollama_uses_a_sourced_library_tag_where_one_exists(catalog: Catalog) -> None:
    kit = kit_files(document([route(model="qwen3-8b", name="Qwen3 8B", quantization="gguf-q4_k_m")]), catalog)
    assert kit.files()["route-1/ollama/Modelfile"].decode().splitlines()[1] == "FROM qwen3:8b"


@pytest.mark.parametrize("precision", ["lora", "qlora"])
def test_fine_tuning_kit_follows_the_sizing_assumptions(precision: str, catalog: Catalog) -> None:
    rec = document(
        [route(deployment="self-hosted", runtime="vllm", hardware="l4", hardware_count=1, quantization="bf16")],
        precision,
    )
    kit = kit_files(rec, catalog)
    config = yaml.safe_load(kit.files()["finetune/sft.yaml"])
    assert config["use_peft"] is True and config["lora_r"] == 16 and config["max_length"] == 512
    assert config["gradient_checkpointing"] is True and config["per_device_train_batch_size"] == 1
    assert config.get("load_in_4bit", False) is (precision == "qlora")
    assert "--enable-lora" in kit.files()["route-1/vllm/serve.sh"].decode()


def test_a_training_plan_in_the_recommendation_wins_over_the_defaults(catalog: Catalog) -> None:
    rec = document([route(deployment="self-hosted", runtime="vllm", hardware="l4", hardware_count=1)], "lora")
    rec["training_plan"] = {"rank": 8, "sequence_length": 2048, "micro_batch": 2}  # a field added by a newer llmpick
    config = yaml.safe_load(kit_files(rec, catalog).files()["finetune/sft.yaml"])
    assert (config["lora_r"], config["max_length"], config["per_device_train_batch_size"]) == (8, 2048, 2)


def test_build_kit_is_the_web_pages_entry_point(catalog: Catalog) -> None:
    files = build_kit(json.dumps(document([route()])), rank=1)
    assert next(iter(files)) == "README.md" and all(isinstance(v, bytes) for v in files.values())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(schema="other/1"), "schema: expected llmpick.recommendation/1"),
        (lambda r: r.update(recommendations=[]), "no route to deploy"),
        (lambda r: r.pop("recommendations"), "recommendations: missing"),
    ],
)
def test_documents_that_cannot_be_deployed_say_why(mutate: Any, message: str, catalog: Catalog) -> None:
    rec = document([route()])
    mutate(rec)
    with pytest.raises(DeployError, match=message):
        build(rec, catalog)


def test_cli_writes_the_kit_and_refuses_bad_input_with_exit_2(cli: Any, tmp_path: Path) -> None:
    rec_path = tmp_path / "rec.json"
    rec_path.write_text(json.dumps(document([route(), route(rank=2, model="qwen3-8b")])))
    out = tmp_path / "kit"
    result = cli("deploy", "--route", f"{rec_path}#2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "README.md").exists() and (out / "route-2" / "llamacpp" / "start.sh").stat().st_mode & 0o111
    again = cli("deploy", "--route", str(rec_path), "--out", str(out))
    assert again.exit_code == 2 and "--force" in again.output  # never writes over a kit silently
    assert cli("deploy", "--route", f"{rec_path}#7", "--out", str(tmp_path / "k2")).exit_code == 2
    assert (
        "no route #7 (ranks: 1, 2)" in cli("deploy", "--route", f"{rec_path}#7", "--out", str(tmp_path / "k2")).output
    )
    assert not (tmp_path / "k2").exists()  # nothing half-written
    both = cli("deploy", "examples/startup.yaml", "--route", str(rec_path), "--out", str(tmp_path / "k3"))
    assert both.exit_code == 2 and "give one of" in both.output
    (tmp_path / "bad.json").write_text("{not json")
    assert cli("deploy", "--route", str(tmp_path / "bad.json"), "--out", str(tmp_path / "k4")).exit_code == 2


def test_cli_deploys_a_profile_directly(cli: Any, tmp_path: Path) -> None:
    result = cli("deploy", str(ROOT / "examples" / "helpdesk-hybrid.yaml"), "--out", str(tmp_path / "kit"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kit" / "gateway" / "portkey-config.json").exists()


def test_the_hybrid_fixture_is_a_valid_plan(catalog: Catalog) -> None:
    kit = kit_files(hybrid_document(), catalog)
    assert [t.role for t in kit.context.targets] == ["private", "api"]


@pytest.mark.parametrize("precision", ["lora", "qlora"])
def test_trl_reads_the_fine_tuning_config_with_its_own_parser(precision: str, catalog: Catalog, tmp_path: Path) -> None:
    if importlib.util.find_spec("trl") is None or importlib.util.find_spec("peft") is None:
        pytest.skip("TRL TEST SKIPPED: trl and peft are not installed (run .ci/deploy-setup.sh)")
    from trl import ModelConfig, ScriptArguments, SFTConfig, TrlParser

    rec = document([route(deployment="self-hosted", runtime="vllm", hardware="l4", hardware_count=1)], precision)
    path = tmp_path / "sft.yaml"
    path.write_bytes(kit_files(rec, catalog).files()["finetune/sft.yaml"])
    parser = TrlParser((ScriptArguments, SFTConfig, ModelConfig))
    # TRL refuses any key it does not know; bf16 is switched off only because this test machine has no GPU.
    script, config, model = parser.parse_args_and_config(
        args=["--config", str(path), "--bf16", "false", "--use_cpu", "true"]
    )[:3]
    assert (model.use_peft, model.lora_r, config.max_length, config.per_device_train_batch_size) == (True, 16, 512, 1)
    assert model.load_in_4bit is (precision == "qlora") and script.dataset_name == "data/train.jsonl"
    path.write_text(path.read_text() + "not_a_trl_option: 1\n")
    with pytest.raises(ValueError, match="Unknown arguments"):
        parser.parse_args_and_config(args=["--config", str(path), "--bf16", "false", "--use_cpu", "true"])


def test_cli_deploys_a_saved_decision(cli: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'decisions.sqlite'}"
    saved = cli("recommend", str(ROOT / "examples" / "startup.yaml"), "--save", "--db", db, "--format", "json")
    assert saved.exit_code == 0, saved.output
    decision = re.search(r"saved decision (\w+)", saved.output)
    assert decision is not None
    result = cli("deploy", "--decision", decision.group(1), "--db", db, "--out", str(tmp_path / "kit"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kit" / "README.md").read_text().startswith("# Deployment kit: ")
    missing = cli("deploy", "--decision", "nope", "--db", db, "--out", str(tmp_path / "kit2"))
    assert missing.exit_code == 2 and "no decision with id 'nope'" in missing.output
