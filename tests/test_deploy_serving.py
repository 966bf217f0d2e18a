"""vLLM / SGLang commands use only the flags their pinned version documents; Kubernetes manifests validate."""

from __future__ import annotations

import importlib.util
import shlex
from typing import Any

import pytest
import yaml

from llmpick.catalog.catalog import Catalog
from llmpick.deploy import DeployError
from llmpick.deploy.serving import check_args, pinned
from llmpick.presets import list_presets
from tests.deploy_support import document, kit_files, rec_for, route

QUANTS = ["awq-4bit", "gptq-4bit", "fp8", "int8", "bf16", "fp16", "gguf-q4_k_m"]


def _self_hosted(catalog: Catalog, quantization: str, kv: str | None = None) -> Any:
    fields: dict[str, Any] = {
        "deployment": "self-hosted",
        "runtime": "vllm",
        "hardware": "h100-sxm-80gb",
        "hardware_count": 2,
        "quantization": quantization,
        "memory_gb": 150.0,
        "model": "llama-3.3-70b-instruct",
        "name": "Llama 3.3 70B",
    }
    if kv:
        fields["kv_cache_dtype"] = kv
    return kit_files(document([route(**fields)]), catalog)


def _flags(script: str, command: str) -> list[str]:
    words = shlex.split(script.split(command, 1)[1].replace("\\\n", " "), comments=True)
    return [w for w in words if w.startswith("--")]


def test_the_pinned_versions_are_named() -> None:
    assert pinned()["vllm"]["version"] == "0.8.5"  # vLLM's documented engine arguments of this release
    assert "001067fffe33" in pinned()["sglang"]["version"]  # SGLang's server_args.py at this commit
    for server in ("vllm", "sglang"):
        assert all(s["url"].startswith("https://") and s["as_of"] for s in pinned()[server]["sources"])


@pytest.mark.parametrize("quantization", QUANTS)
def test_vllm_and_sglang_commands_use_documented_flags_and_values(quantization: str, catalog: Catalog) -> None:
    kit = _self_hosted(catalog, quantization, kv="fp8")
    files = {k: v.decode() for k, v in kit.files().items()}
    vllm_script = files["route-1/vllm/serve.sh"]
    sglang_script = files["route-1/sglang/serve.sh"]
    vllm_words = shlex.split(vllm_script.split('vllm serve "$MODEL"', 1)[1].replace("\\\n", " "))
    check_args("vllm", vllm_words)
    sglang_words = shlex.split(sglang_script.split("args=(", 1)[1].split(")", 1)[0].replace("\\\n", " "))
    check_args("sglang", sglang_words)
    assert set(_flags(vllm_script, "vllm serve")) >= {
        "--tensor-parallel-size",
        "--max-model-len",
        "--gpu-memory-utilization",
        "--max-num-seqs",
        "--kv-cache-dtype",
    }
    assert {
        "--tp-size",
        "--context-length",
        "--mem-fraction-static",
        "--max-running-requests",
        "--kv-cache-dtype",
    } <= set(sglang_words)
    assert "--kv-cache-dtype fp8" in vllm_script and "--kv-cache-dtype fp8_e4m3" in sglang_script
    compose = yaml.safe_load(files["route-1/compose/compose.yaml"])["services"]["llm"]
    check_args("vllm", compose["command"])
    deployment = yaml.safe_load(files["route-1/k8s/deployment.yaml"])
    check_args("vllm", deployment["spec"]["template"]["spec"]["containers"][0]["args"])


def test_an_undocumented_flag_or_value_is_refused() -> None:
    with pytest.raises(DeployError, match="documents no flag --max-seq-len"):
        check_args("vllm", ["--max-seq-len", "4096"])
    with pytest.raises(DeployError, match="--kv-cache-dtype 'fp8'"):
        check_args("sglang", ["--kv-cache-dtype", "fp8"])  # SGLang names the FP8 variants explicitly


def test_memory_utilisation_rises_only_when_the_route_needs_it(catalog: Catalog) -> None:
    tight = _self_hosted(catalog, "bf16")  # 150 GB of 2 × 80 GB: 94 %
    assert "--gpu-memory-utilization 0.95" in tight.files()["route-1/vllm/serve.sh"].decode()
    roomy = kit_files(
        document(
            [
                route(
                    deployment="self-hosted", runtime="vllm", hardware="h100-sxm-80gb", hardware_count=1, memory_gb=20.0
                )
            ]
        ),
        catalog,
    )
    assert "--gpu-memory-utilization 0.9 " in roomy.files()["route-1/vllm/serve.sh"].decode() + " "


def _validate(manifests: dict[str, bytes]) -> None:
    if importlib.util.find_spec("kubernetes_validate") is None:
        pytest.skip("KUBERNETES TESTS SKIPPED: kubernetes-validate is not installed (run .ci/deploy-setup.sh)")
    import kubernetes_validate

    version = kubernetes_validate.latest_version()
    for name, data in manifests.items():
        for doc in yaml.safe_load_all(data):
            kubernetes_validate.validate(doc, version, strict=True)  # raises on any schema error
            assert doc["kind"] in ("Deployment", "Service", "HorizontalPodAutoscaler"), name


def test_kubernetes_manifests_validate_against_the_schemas(catalog: Catalog) -> None:
    kit = _self_hosted(catalog, "awq-4bit")
    manifests = {k: v for k, v in kit.files().items() if "/k8s/" in k}
    assert len(manifests) == 3
    _validate(manifests)
    deployment = yaml.safe_load(manifests["route-1/k8s/deployment.yaml"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert (
        container["resources"]["limits"]["nvidia.com/gpu"] == 2
        and container["readinessProbe"]["httpGet"]["path"] == "/health"
    )


def test_a_broken_manifest_is_caught_by_the_validator() -> None:
    _validate({"ok.yaml": b"apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\n"})
    import kubernetes_validate

    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(
            {"bad.yaml": b"apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: eighty}]}\n"}
        )


def test_every_self_hosted_preset_route_validates(catalog: Catalog) -> None:
    validated = 0
    for preset in list_presets():
        rec = rec_for(preset.profile, catalog)
        if rec["recommendations"] and rec["recommendations"][0]["deployment"] == "self-hosted":
            kit = kit_files(rec, catalog, profile=preset.profile)
            _validate({k: v for k, v in kit.files().items() if "/k8s/" in k})
            validated += 1
    assert validated >= 1, "some preset's #1 route is self-hosted"


def test_replicas_from_a_capacity_plan_drive_the_autoscaler(catalog: Catalog) -> None:
    rec = document([route(deployment="self-hosted", runtime="vllm", hardware="l40s", hardware_count=1, replicas=3)])
    files = kit_files(rec, catalog).files()
    hpa = yaml.safe_load(files["route-1/k8s/hpa.yaml"])
    assert (
        hpa["spec"]["maxReplicas"] == 3
        and yaml.safe_load(files["route-1/k8s/deployment.yaml"])["spec"]["replicas"] == 3
    )
