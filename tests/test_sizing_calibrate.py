"""The calibration data and the fit: every row sourced, the fit recovers known constants."""

from __future__ import annotations

import dataclasses

import pytest

from llmpick.sizing import calibrate
from llmpick.sizing.calibrate import GroupConstants, Measurement, constants, decode_features, fit, measurements


def test_every_measurement_has_a_sourced_url_and_date() -> None:
    data = calibrate.calibration_data()
    sources = data["sources"]
    for row in data["measurements"]:
        src = sources[row["source"]]
        assert src["url"].startswith("https://") and src["as_of"]
        # a speed (decode, prefill, time to first token) or a serving benchmark's (concurrency, tokens/s) pairs
        assert any((row.get(k) or 0) > 0 for k in ("decode_tps", "prefill_tps", "ttft_s")) or all(
            c >= 1 and t > 0 for c, t in row.get("throughput") or [(0, 0)]
        )
    for dev in data["devices"].values():
        assert dev["source"] in sources
        if dev.get("tflops_source"):
            assert dev["tflops_source"] in sources
    for row in data["file_sizes"]:
        assert row["source"] in sources and row["size_gib"] > 0


def test_the_set_covers_consumer_datacenter_and_apple() -> None:
    classes = {m.device.speed_class for m in measurements()}
    assert {"nvidia", "nvidia-hbm", "apple", "apple-m1"} <= classes


def test_fit_recovers_the_constants_that_generated_the_data() -> None:
    truth = {"eta": 0.7, "tau": 60e-6, "omega": 0.0}
    rows = []
    for i, m in enumerate(measurements()):
        if m.device.speed_class != "nvidia" or m.count != 1:
            continue
        m = dataclasses.replace(m, index=i, quantization="gguf-q4_0")
        f = decode_features(m)
        seconds = f[2] / truth["eta"] + truth["tau"] * f[3]
        rows.append(dataclasses.replace(m, decode_tps=1 / seconds))
    got = fit(rows).groups["llama.cpp/nvidia"]
    assert got.eta == pytest.approx(0.7, rel=0.03)
    assert got.tau_s == pytest.approx(60e-6, rel=0.1)
    assert got.decode_error is not None and got.decode_error < 0.01


def test_groups_without_data_fall_back_to_a_sibling_or_the_prior() -> None:
    consts = constants()
    amd_hbm = consts.group("llama.cpp", "amd-hbm")  # no rows: the NVIDIA HBM constants
    assert amd_hbm.eta == consts.groups["llama.cpp/nvidia-hbm"].eta and not amd_hbm.calibrated
    amd = consts.group("llama.cpp", "amd")  # one published row: fitted on it, but keeps the prior's wide range
    assert amd.calibrated and amd.decode_points < 3 and amd.decode_spread >= 0.35
    server = consts.group("server", "amd-hbm")  # MI300X: the NVIDIA HBM server constants, with a wide range
    assert isinstance(server, GroupConstants) and server.decode_spread >= 0.35 and not server.calibrated


def test_supplementary_tflops_for_catalog_consumer_gpus() -> None:
    found = calibrate.supplementary_tflops("rtx-4090")
    assert found is not None and found[0] == pytest.approx(330.3)
    assert calibrate.supplementary_tflops("no-such-gpu") is None


def test_measurement_labels_name_the_configuration() -> None:
    m: Measurement = measurements()[0]
    assert m.model.id in m.label and m.quantization in m.label
