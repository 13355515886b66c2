"""AIP6xx findings: model files (built at test time, never loaded), code, dependency files."""
from __future__ import annotations

import builtins
import io
import os
import pickle
import sys

import pytest

import inventory_models as models
from analyzer.inventory import build_inventory, model_file_findings, supply_chain_findings
from analyzer.inventory import picklescan
from checks.supply_chain import CHECKS

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "inventory", "repo")


def _rules(path: str, data: bytes) -> list[tuple[str, int]]:
    return [(f.rule_id, f.span.line) for f in supply_chain_findings(path, data, CHECKS)]


def _fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURE, name), "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("protocol", range(0, 6))
def test_malicious_pickle_is_flagged_at_every_protocol(protocol):
    assert _rules("model.pkl", models.malicious_pickle(protocol=protocol)) == [("AIP600", 1)]


@pytest.mark.parametrize("protocol", range(0, 6))
def test_benign_pickle_passes(protocol):
    assert _rules("model.pkl", models.benign_pickle(protocol)) == []


@pytest.mark.parametrize("name, data, expected", [
    ("evil.pt", models.torch_zip(models.malicious_pickle()), ["AIP600"]),
    ("weights.pt", models.torch_zip(models.TENSOR_PICKLE), []),
    ("legacy.pth", models.torch_legacy(models.malicious_pickle(protocol=2)), ["AIP600"]),
    ("legacy.pth", models.torch_legacy(models.TENSOR_PICKLE), []),
    ("pytorch_model.bin", models.malicious_pickle(), ["AIP600"]),
    ("model.ckpt", models.torch_zip(models.malicious_pickle()), ["AIP600"]),
    ("model.joblib", models.malicious_pickle(), ["AIP600"]),
    ("model.joblib", models.joblib_gzip(models.malicious_pickle()), ["AIP600"]),
    ("objects.npy", models.npy("|O", models.benign_pickle(2)), ["AIP604"]),
    ("objects.npy", models.npy("|O", models.malicious_pickle(protocol=2)), ["AIP600"]),
    ("numbers.npy", models.npy("<f4", b"\x00" * 8), []),
    ("lambda.keras", models.keras_zip(True), ["AIP602"]),
    ("plain.keras", models.keras_zip(False), []),
    ("lambda.h5", models.keras_h5(True), ["AIP602"]),
    ("plain.h5", models.keras_h5(False), []),
    ("evil.gguf", models.gguf(models.EVIL_TEMPLATE), ["AIP603"]),
    ("good.gguf", models.gguf(models.GOOD_TEMPLATE), []),
    ("model.safetensors", models.safetensors(), []),
    ("random.bin", b"\x00\x01 not a model", []),
    ("sklearn.pkl", b"\x80\x04\x8c\x14sklearn.linear_model\x94\x8c\x10LinearRegression\x94\x93)R.", ["AIP601"]),
])
def test_model_files(name, data, expected):
    assert [f.rule_id for f in supply_chain_findings(name, data, CHECKS)] == expected


def test_message_names_the_globals_and_member():
    [finding] = supply_chain_findings("models/evil.pt", models.torch_zip(models.malicious_pickle()), CHECKS)
    assert "`posix.system`" in finding.message and "archive/data.pkl" in finding.message
    assert finding.severity.label == "critical" and finding.framework == "model"


def test_stack_global_through_memo_and_unknown_names():
    # module and name fetched back from the memo (BINGET), as pickle writes repeated strings
    data = (b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x8c\x01x\x94h\x00h\x01\x93\x8c\x02id\x85R.")
    assert picklescan.scan_bytes(data).globals[-1] == ("os", "system")
    # STACK_GLOBAL of values the stream computes: nothing says what it imports, so it is dangerous
    computed = b"\x80\x04K\x01K\x02\x93)R."
    assert picklescan.classify(*picklescan.scan_bytes(computed).globals[0]) == "dangerous"


def test_broken_pickle_after_a_dangerous_global_still_reports_it():
    data = models.malicious_pickle()[:-5]
    assert _rules("model.pkl", data) == [("AIP600", 1)]


def test_nothing_is_imported_or_unpickled(tmp_path, monkeypatch):
    """Scanning a pickle whose loading would create a file, and one whose loading would import a
    module that leaves a mark, creates nothing and imports nothing; pickle's loaders are never called."""
    marker = tmp_path / "created-by-loading"
    canary_dir = tmp_path / "importable"
    canary_dir.mkdir()
    imported_mark = tmp_path / "canary-imported"
    (canary_dir / "aiposture_canary_mod.py").write_text(
        f"open({str(imported_mark)!r}, 'w').close()\ndef boom():\n    open({str(marker)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(canary_dir))

    def refuse(*args, **kwargs):
        raise AssertionError("the scanner unpickled something")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    real_import = builtins.__import__

    def guarded_import(name, *args, **kwargs):
        if name.startswith("aiposture_canary_mod"):
            raise AssertionError("the scanner imported a module named in the pickle")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", guarded_import)
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "creates.pkl").write_bytes(models.file_creating_pickle(str(marker)))
    (folder / "canary.pkl").write_bytes(models.canary_pickle("aiposture_canary_mod"))
    (folder / "canary.pt").write_bytes(models.torch_zip(models.canary_pickle("aiposture_canary_mod")))
    found = []
    for name in ("creates.pkl", "canary.pkl", "canary.pt"):
        found += model_file_findings(name, str(folder / name), CHECKS)
        found += supply_chain_findings(name, (folder / name).read_bytes(), CHECKS)
    inventory = build_inventory([str(folder)], posture=False)
    assert {f.rule_id for f in found} == {"AIP600", "AIP601"}
    assert {m.file.rsplit("/", 1)[-1] for m in inventory.model_files} == {"creates.pkl", "canary.pkl", "canary.pt"}
    assert not marker.exists() and not imported_mark.exists()
    assert "aiposture_canary_mod" not in sys.modules
    # and the bytes do what the test says when loaded (checked without loading: the opcodes)
    assert ("aiposture_canary_mod", "boom") in picklescan.scan_bytes(models.canary_pickle("aiposture_canary_mod")).globals


def test_model_file_on_disk_reads_within_budget(tmp_path):
    # a large file whose tensor bytes sit inside the pickle: skipped by seeking, not read
    big = pickle.dumps({"w": b"\x00" * (8 << 20), "p": models._System("id")}, protocol=4)
    path = tmp_path / "big.pkl"
    path.write_bytes(big)
    assert [f.rule_id for f in model_file_findings("big.pkl", str(path), CHECKS)] == ["AIP600"]


def test_python_code_findings():
    assert _rules("app/inference.py", _fixture("app/inference.py")) == [("AIP610", 6), ("AIP611", 8)]
    code = (b"import torch as t\nfrom torch import load as L\n"
            b"t.load('a.pt', weights_only=False)\nL('b.pt')\nt.load('c.pt', weights_only=True)\n"
            b"t.load('d.pt', **options)\nAutoModel.from_pretrained('x/y', trust_remote_code=False)\n")
    assert _rules("x.py", code) == [("AIP611", 3), ("AIP611", 4)]
    assert _rules("broken.py", b"def (:\n trust_remote_code=True") == []


def test_dependency_findings():
    assert _rules("requirements.txt", _fixture("requirements.txt")) == [
        ("AIP620", 2), ("AIP621", 8), ("AIP622", 9), ("AIP623", 10)]
    finding = supply_chain_findings("requirements.txt", _fixture("requirements.txt"), CHECKS)[1]
    assert (finding.span.col, finding.span.end_col) == (1, 11)  # the name `tensorflwo`


def test_extra_index_only_next_to_ai_packages():
    assert _rules("requirements.txt", b"--extra-index-url https://x.example/simple\nrequests==2\n") == []
    assert _rules("requirements.txt", b"--index-url https://x.example/simple\ntorch==2\n") == []
    docker = b"FROM python:3.11\nRUN pip install --extra-index-url https://x.example/simple torch==2.1\n"
    assert _rules("Dockerfile", docker) == [("AIP620", 2)]


def test_includes_count_for_extra_index(tmp_path):
    files = {"requirements.txt": b"--extra-index-url https://x.example/simple\n-r base.txt\n",
             "base.txt": b"vllm==0.4\n"}
    found = supply_chain_findings("requirements.txt", files["requirements.txt"], CHECKS, read=files.get)
    assert [(f.rule_id, f.span.line) for f in found] == [("AIP620", 1)]


def test_known_bad_and_placeholders_in_other_formats():
    assert _rules("pyproject.toml", b'[project]\ndependencies = ["torchtriton==2.0.0", "pytorch"]\n') == [
        ("AIP623", 2), ("AIP622", 2)]
    assert _rules("package.json", b'{"dependencies": {"opnai": "4.0.0", "openai": "4.0.0"}}') == [("AIP621", 1)]
    assert _rules("package.json", b'{"dependencies": {"@scope/opnai": "4.0.0", "react": "18.0.0"}}') == []
    assert _rules("package.json", b'{"dependencies": {"langchainn": "1.0.0"}}') == [("AIP621", 1)]


def test_typosquat_heuristic():
    from analyzer.inventory.catalog import typosquat_of

    assert typosquat_of("transfromers") == "transformers"
    assert typosquat_of("torchh") == "torch"
    assert typosquat_of("hugginface-hub") == "huggingface-hub"
    for name in ("torch", "transformers", "dataset", "wand", "requests", "numpy", "langchain-openai",
                 "langchain-my-plugin", "ray", "jax", "openapi"):
        assert typosquat_of(name) == "", name


def test_checks_records():
    ids = [c.id for c in CHECKS]
    assert len(set(ids)) == len(ids) and all("AIP600" <= i <= "AIP649" for i in ids)
    assert len({c.name for c in CHECKS}) == len(CHECKS)
    assert all(c.kinds == () and list(c.rule(None, None)) == [] for c in CHECKS)


def test_no_rule_selected_no_work():
    assert supply_chain_findings("model.pkl", models.malicious_pickle(), [c for c in CHECKS if c.id != "AIP600"]) == []
    assert supply_chain_findings("model.pkl", models.malicious_pickle(), []) == []


def test_scan_of_a_stream_never_reads_past_the_budget():
    reader = io.BytesIO(b"\x80\x04\x8e" + (1 << 40).to_bytes(8, "little"))  # BINBYTES8 of a terabyte
    result = picklescan.scan_stream(reader, budget=1024)
    assert result.error and result.globals == []
