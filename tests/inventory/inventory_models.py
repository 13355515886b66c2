"""Model files built at test time, as bytes: never loaded, never committed. Malicious ones are
written by hand or by pickle.dumps (dumping runs nothing)."""
from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict


class _System:
    """Pickles as `os.system(command)`: loading it would run the command."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class _Open:
    """Pickles as `builtins.open(path, "w")`: loading it would create the file."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def malicious_pickle(command: str = "echo pwned", protocol: int = 4) -> bytes:
    return pickle.dumps({"weights": [0.1, 0.2], "payload": _System(command)}, protocol=protocol)


def file_creating_pickle(path: str, protocol: int = 4) -> bytes:
    return pickle.dumps([_Open(path)], protocol=protocol)


def canary_pickle(module: str) -> bytes:
    """STACK_GLOBAL of `module.boom` (a module the test makes importable, whose import leaves a mark)."""
    name = module.encode()
    return (b"\x80\x04" + b"\x8c" + bytes([len(name)]) + name + b"\x94" + b"\x8c\x04boom\x94" + b"\x93"
            + b")R." )


def benign_pickle(protocol: int = 4) -> bytes:
    return pickle.dumps({"weights": [0.5, 1.5], "order": OrderedDict(a=1), "name": "benign"}, protocol=protocol)


TENSOR_PICKLE = (b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02"
                 b"(X\x01\x00\x00\x000q\x03tq\x04Rq\x05s.")


def torch_zip(data_pkl: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/data/0", b"\x80\x02" + b"\x00" * 64)  # tensor bytes that look like a pickle start
        archive.writestr("archive/version", b"3\n")
    return out.getvalue()


def torch_legacy(payload: bytes) -> bytes:
    return (pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2)
            + pickle.dumps({"little_endian": True}, protocol=2) + payload + b"\x00" * 32)


def npy(descr: str, payload: bytes, shape=(1,)) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def keras_zip(lambda_layer: bool) -> bytes:
    layers = [{"class_name": "Dense", "config": {"name": "dense"}}]
    if lambda_layer:
        layers.append({"class_name": "Lambda", "config": {"name": "exec_layer", "function": "4wEAAAAA"}})
    config = {"class_name": "Functional", "config": {"layers": layers}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")
    return out.getvalue()


def keras_h5(lambda_layer: bool) -> bytes:
    layer = '{"class_name": "Lambda", "config": {"name": "lam"}}' if lambda_layer else '{"class_name": "Dense"}'
    config = '{"class_name": "Sequential", "config": {"layers": [' + layer + "]}}"
    return b"\x89HDF\r\n\x1a\n" + b"\x00" * 100 + b"model_config" + config.encode() + b"\x00" * 100


def _gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf(template: str) -> bytes:
    kvs = [
        _gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("llama"),
        _gguf_string("general.name") + struct.pack("<I", 8) + _gguf_string("tiny"),
        _gguf_string("tokenizer.ggml.tokens") + struct.pack("<I", 9) + struct.pack("<IQ", 8, 3)
        + _gguf_string("a") + _gguf_string("b") + _gguf_string("c"),
        _gguf_string("tokenizer.ggml.scores") + struct.pack("<I", 9) + struct.pack("<IQ", 6, 3) + b"\x00" * 12,
        _gguf_string("tokenizer.chat_template") + struct.pack("<I", 8) + _gguf_string(template),
    ]
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs)


EVIL_TEMPLATE = ("{% for m in messages %}{{ m.content }}{% endfor %}"
                 "{{ ''.__class__.__mro__[1].__subclasses__()[40]('id', shell=True) }}")
GOOD_TEMPLATE = ("{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}"
                 "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")


def safetensors() -> bytes:
    header = json.dumps({"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
    return struct.pack("<Q", len(header)) + header.encode() + b"\x00" * 8


def joblib_gzip(payload: bytes) -> bytes:
    return gzip.compress(payload)


def write_models(folder: str, marker: str) -> dict[str, bytes]:
    """Write one file of each kind under `folder`/models; returns name -> bytes."""
    files = {
        "models/evil.pkl": malicious_pickle(f"touch {marker}"),
        "models/creates_file.pkl": file_creating_pickle(marker),
        "models/benign.pkl": benign_pickle(),
        "models/evil.pt": torch_zip(malicious_pickle(f"touch {marker}")),
        "models/weights.pt": torch_zip(TENSOR_PICKLE),
        "models/legacy.pth": torch_legacy(malicious_pickle(f"touch {marker}", protocol=2)),
        "models/objects.npy": npy("|O", benign_pickle(protocol=2)),
        "models/numbers.npy": npy("<f4", b"\x00" * 8),
        "models/lambda.keras": keras_zip(True),
        "models/plain.keras": keras_zip(False),
        "models/lambda.h5": keras_h5(True),
        "models/evil.gguf": gguf(EVIL_TEMPLATE),
        "models/good.gguf": gguf(GOOD_TEMPLATE),
        "models/model.safetensors": safetensors(),
        "models/model.joblib": joblib_gzip(malicious_pickle(f"touch {marker}")),
        "models/random.bin": b"\x00\x01\x02 not a model",
    }
    for name, data in files.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return files
