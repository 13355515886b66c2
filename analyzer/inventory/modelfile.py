"""Model files: what format each is (by magic bytes, then extension) and what loading it would run.

Nothing here loads a model: pickles are walked opcode by opcode (analyzer.inventory.picklescan),
zips are read through their central directory, headers are parsed by hand. Model files can be
gigabytes, so every reader takes a seekable stream and reads only what it needs, within budgets:
the pickle stream, the zip directory and the members that hold pickles or configuration, a GGUF
header, the first megabytes of an HDF5 file.
"""
from __future__ import annotations

import ast
import bz2
import gzip
import io
import json
import lzma
import os
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from analyzer.inventory import picklescan

# extension -> format (the magic bytes win when they say otherwise)
SUFFIXES: dict[str, str] = {
    ".pkl": "pickle", ".pickle": "pickle", ".dat": "pickle", ".data": "pickle", ".dill": "pickle",
    ".joblib": "joblib", ".pt": "pytorch", ".pth": "pytorch", ".bin": "pytorch", ".ckpt": "pytorch",
    ".npy": "numpy", ".npz": "numpy-zip", ".h5": "keras-h5", ".hdf5": "keras-h5", ".keras": "keras",
    ".safetensors": "safetensors", ".gguf": "gguf", ".ggml": "ggml", ".onnx": "onnx", ".tflite": "tflite",
    ".pb": "tensorflow", ".mlmodel": "coreml", ".engine": "tensorrt", ".plan": "tensorrt", ".mar": "torchserve",
    ".nemo": "nemo", ".pmml": "pmml", ".ubj": "xgboost", ".cbm": "catboost", ".llamafile": "llamafile",
}
# formats whose loading can run code from the file
PICKLE_FORMATS = frozenset({"pickle", "joblib", "pytorch", "pytorch-zip", "pytorch-legacy", "numpy-object"})
# .dat/.data/.bin are common names for anything: a model only when the bytes say so
NEEDS_MAGIC = frozenset({".dat", ".data", ".bin", ".pb", ".engine", ".plan"})

ZIP_MAGIC = b"PK\x03\x04"
NUMPY_MAGIC = b"\x93NUMPY"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
GGUF_MAGIC = b"GGUF"
# the first pickle of a legacy (pre-1.6) torch.save file holds this number
TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

PICKLE_BUDGET = 64 << 20  # bytes of pickle stream read per file (tensor data is skipped, not read)
DECOMPRESSED_BUDGET = 256 << 20  # bytes decompressed from a compressed joblib file
MAX_ZIP_ENTRIES = 100_000
MAX_ZIP_MEMBERS_OPENED = 2_000
MAX_CONFIG_BYTES = 16 << 20  # a Keras config.json, a safetensors header
H5_SCAN_BYTES = 16 << 20  # Keras writes its model_config attribute near the start of the file
GGUF_MAX_KV = 100_000
GGUF_MAX_STRING = 16 << 20
HASH_LIMIT = 16 << 20  # files up to this size get a SHA-256 in the inventory

LAMBDA = re.compile(rb'"class_name"\s*:\s*"Lambda"')
# Jinja that climbs from a value to Python internals or reaches the OS (the sandbox escapes of
# the llama-cpp-python, vLLM and SGLang chat-template bugs)
TEMPLATE_MARKERS = re.compile(
    r"__(?:class|mro|subclasses|globals|builtins|init|import|base|bases|dict|code|getattribute|reduce)__"
    r"|\bos\s*\.\s*(?:system|popen|exec\w*|spawn\w*)|\bsubprocess\b|\bpopen\b|\beval\s*\(|\bexec\s*\("
    r"|\bimport\s+os\b|\bimportlib\b|\bcycler\b|\bjoiner\b\s*\.\s*__|\blipsum\s*\.\s*__|\bself\s*\._"
    r"|\brequest\s*\.\s*application")


@dataclass
class ModelScan:
    """What one model file is and what loading it would do."""

    format: str  # pickle, joblib, pytorch-zip, pytorch-legacy, numpy, numpy-object, keras, keras-h5, gguf, ...
    dangerous: list[tuple[str, str]] = field(default_factory=list)  # (global, where in the file)
    unverified: list[tuple[str, str]] = field(default_factory=list)
    lambda_layers: list[str] = field(default_factory=list)  # Keras Lambda layers (names)
    template_markers: list[str] = field(default_factory=list)  # GGUF chat template code markers
    object_array: bool = False  # a NumPy array of Python objects (a pickle inside)
    notes: list[str] = field(default_factory=list)  # what could not be read, and why
    metadata: dict = field(default_factory=dict)  # architecture, name, tensors... (inventory)

    @property
    def serialization(self) -> str:
        if self.format in PICKLE_FORMATS:
            return "pickle"
        return "safe" if self.format in ("safetensors", "gguf", "onnx", "tflite", "numpy") else "other"


def model_format(name: str, head: bytes) -> str:
    """The format of a file from its name and first bytes; "" when it is not a model file."""
    suffix = os.path.splitext(name.lower())[1]
    if suffix not in SUFFIXES:
        return ""
    if head.startswith(ZIP_MAGIC):
        return {"numpy-zip": "numpy-zip", "keras": "keras", "torchserve": "torchserve"}.get(
            SUFFIXES[suffix], "pytorch-zip")
    if head.startswith(NUMPY_MAGIC):
        return "numpy"
    if head.startswith(HDF5_MAGIC):
        return "keras-h5"
    if head.startswith(GGUF_MAGIC):
        return "gguf"
    if picklescan.is_pickle_start(head):
        return "joblib" if suffix == ".joblib" else ("pytorch" if SUFFIXES[suffix] == "pytorch" else "pickle")
    if suffix in NEEDS_MAGIC:
        if suffix == ".pb" and name.lower().endswith(("saved_model.pb", "keras_metadata.pb")):
            return "tensorflow"
        return ""
    if suffix == ".safetensors" and len(head) >= 8:
        return "safetensors"
    if suffix == ".joblib" and _compression(head):
        return "joblib"
    return SUFFIXES[suffix]


def scan_file(path: str, name: str | None = None) -> ModelScan | None:
    """Open and scan a model file on disk (None when it is not one, or cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return scan(handle, name or os.path.basename(path))
    except OSError:
        return None


def scan(handle: BinaryIO, name: str) -> ModelScan | None:
    """Scan a seekable binary stream holding a file called `name`; None when it is not a model."""
    try:
        head = handle.read(16)
        handle.seek(0)
        found = model_format(name, head)
        if not found:
            return None
        result = ModelScan(found)
        _SCANNERS.get(found, _nothing)(handle, result, name)
    except Exception as error:  # never crash on a broken file: say it was not read
        result = ModelScan(model_format(name, b"") or "unknown")
        result.notes.append(f"not read: {type(error).__name__}")
    return result


def _nothing(handle: BinaryIO, result: ModelScan, name: str) -> None:
    return None


def _add_globals(result: ModelScan, scanned: picklescan.PickleScan, where: str) -> None:
    for module, attr in scanned.globals:
        verdict = picklescan.classify(module, attr)
        if verdict == "dangerous":
            result.dangerous.append((f"{module}.{attr}", where))
        elif verdict == "unverified":
            result.unverified.append((f"{module}.{attr}", where))
    if scanned.truncated:
        result.notes.append(f"{where or 'pickle'}: only the first {PICKLE_BUDGET >> 20} MB of the pickle were read")
    elif scanned.error and not scanned.globals:
        result.notes.append(f"{where or 'pickle'}: not a valid pickle ({scanned.error})")


def _scan_pickle(handle: BinaryIO, result: ModelScan, name: str) -> None:
    # a legacy torch.save file is several pickles in a row; plain pickles are one
    scanned = picklescan.scan_stream(handle, PICKLE_BUDGET, max_pickles=5)
    if result.format == "pytorch":
        result.format = "pytorch-legacy" if _legacy_magic(handle) else "pickle"
    _add_globals(result, scanned, "")


def _legacy_magic(handle: BinaryIO) -> bool:
    handle.seek(0)
    head = handle.read(32)
    return TORCH_LEGACY_MAGIC.to_bytes(10, "little") in head


def _compression(head: bytes) -> str:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00") or head.startswith(b"\x5d\x00\x00"):
        return "xz"
    if head[:1] == b"\x78" and len(head) > 1 and (head[0] * 256 + head[1]) % 31 == 0:
        return "zlib"
    return ""


class _Inflate(io.RawIOBase):
    """A zlib stream as a readable file, decompressing as it is read."""

    def __init__(self, handle: BinaryIO):
        self.handle, self.engine, self.buffer = handle, zlib.decompressobj(), b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self.buffer) < size) and not self.engine.eof:
            chunk = self.handle.read(1 << 16)
            if not chunk:
                break
            self.buffer += self.engine.decompress(chunk, 1 << 22)
            while self.engine.unconsumed_tail and (size < 0 or len(self.buffer) < size):
                self.buffer += self.engine.decompress(self.engine.unconsumed_tail, 1 << 22)
        if size < 0:
            size = len(self.buffer)
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


def _scan_joblib(handle: BinaryIO, result: ModelScan, name: str) -> None:
    head = handle.read(16)
    handle.seek(0)
    kind = _compression(head)
    if not kind:
        _scan_pickle(handle, result, name)
        return
    stream = {"gzip": lambda: gzip.GzipFile(fileobj=handle), "bz2": lambda: bz2.BZ2File(handle),
              "xz": lambda: lzma.LZMAFile(handle), "zlib": lambda: _Inflate(handle)}[kind]()
    scanned = picklescan.scan_stream(_Unseekable(stream), DECOMPRESSED_BUDGET, max_pickles=1)
    result.metadata["compression"] = kind
    _add_globals(result, scanned, "")


class _Unseekable(io.RawIOBase):
    """A decompressing stream seen as not seekable, so skips read through it."""

    def __init__(self, inner):
        self.inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)


def _zip(handle: BinaryIO) -> zipfile.ZipFile | None:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return archive


_TENSOR_MEMBER = re.compile(r"(^|/)(data|\.data)/[^/]*$")


def _scan_zip(handle: BinaryIO, result: ModelScan, name: str) -> None:
    archive = _zip(handle)
    if archive is None:
        result.notes.append("not a readable zip archive")
        return
    members = archive.infolist()
    if len(members) > MAX_ZIP_ENTRIES:
        result.notes.append(f"more than {MAX_ZIP_ENTRIES} zip entries: only the first were read")
        members = members[:MAX_ZIP_ENTRIES]
    opened = 0
    for info in members:
        member = info.filename
        lowered = member.lower()
        if info.is_dir():
            continue
        if result.format == "keras" and lowered == "config.json":
            _keras_config(archive, info, result)
            continue
        if lowered.endswith(".npy"):
            with archive.open(info) as stream:
                _scan_numpy_stream(_Seekless(stream), result, member)
            continue
        named = os.path.splitext(lowered)[1] in (".pkl", ".pickle", ".joblib", ".dill")
        if not named and (_TENSOR_MEMBER.search(member) or opened >= MAX_ZIP_MEMBERS_OPENED):
            continue  # tensor storages are raw numbers, never loaded as pickles
        opened += 1
        with archive.open(info) as stream:
            if not named and not picklescan.is_pickle_start(stream.read(2)):
                continue
        with archive.open(info) as stream:
            scanned = picklescan.scan_stream(_Seekless(stream), PICKLE_BUDGET, max_pickles=1)
        if not named and scanned.error:
            continue  # a member that only looked like a pickle
        _add_globals(result, scanned, member)
        if result.format == "pytorch-zip" and lowered.endswith("data.pkl"):
            result.metadata["layout"] = "torch.save zip"


class _Seekless(io.RawIOBase):
    """A zip member stream read forward only (seeking a deflated member re-reads it)."""

    def __init__(self, inner):
        self.inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)


def _keras_config(archive: zipfile.ZipFile, info: zipfile.ZipInfo, result: ModelScan) -> None:
    if info.file_size > MAX_CONFIG_BYTES:
        result.notes.append("config.json too large to read")
        return
    with archive.open(info) as stream:
        text = stream.read(MAX_CONFIG_BYTES + 1)
    try:
        config = json.loads(text)
    except ValueError:
        result.notes.append("config.json is not valid JSON")
        return
    _lambdas(config, result.lambda_layers, 0)
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        result.metadata["architecture"] = config["class_name"]


def _lambdas(node, found: list[str], depth: int) -> None:
    if depth > 64:
        return
    if isinstance(node, dict):
        if node.get("class_name") == "Lambda":
            config = node.get("config")
            found.append(str(config.get("name", "lambda")) if isinstance(config, dict) else "lambda")
        for value in node.values():
            _lambdas(value, found, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _lambdas(value, found, depth + 1)


def _scan_h5(handle: BinaryIO, result: ModelScan, name: str) -> None:
    # without h5py: the model_config attribute is JSON stored as plain bytes
    seen = 0
    tail = b""
    while seen < H5_SCAN_BYTES:
        chunk = handle.read(1 << 20)
        if not chunk:
            break
        seen += len(chunk)
        window = tail + chunk
        for match in LAMBDA.finditer(window):
            if match.end() > len(tail):  # not already found in the previous chunk
                name_match = re.search(rb'"name"\s*:\s*"([^"]{1,200})"', window[match.end():match.end() + 400])
                result.lambda_layers.append(name_match.group(1).decode("utf-8", "replace") if name_match else "lambda")
        tail = chunk[-64:]
    if seen >= H5_SCAN_BYTES:
        result.notes.append(f"only the first {H5_SCAN_BYTES >> 20} MB were searched for Lambda layers")


def _scan_tensorflow(handle: BinaryIO, result: ModelScan, name: str) -> None:
    if name.lower().endswith("keras_metadata.pb"):
        _scan_h5(handle, result, name)  # the same JSON text inside a protobuf


def _numpy_header(reader: picklescan.Reader) -> dict | None:
    if reader.read(6) != NUMPY_MAGIC:
        return None
    major = reader.read(2)[0]
    size = struct.unpack("<H", reader.read(2))[0] if major == 1 else struct.unpack("<I", reader.read(4))[0]
    if size > 1 << 20:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            header = ast.literal_eval(reader.read(size).decode("latin-1"))  # a literal, never evaluated code
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return header if isinstance(header, dict) else None


def _scan_numpy_stream(stream: BinaryIO, result: ModelScan, where: str) -> None:
    reader = picklescan.Reader(stream, 2 << 20)
    try:
        header = _numpy_header(reader)
    except (picklescan.BadPickle, picklescan.OverBudget):
        header = None
    if header is None:
        result.notes.append(f"{where or 'array'}: not a valid NumPy header")
        return
    descr = header.get("descr")
    if "O" in str(descr):
        result.object_array = True
        result.format = "numpy-object" if result.format == "numpy" else result.format
        scanned = picklescan.scan_stream(stream, PICKLE_BUDGET, max_pickles=1)
        _add_globals(result, scanned, where)
    else:
        result.metadata.setdefault("dtype", str(descr))
        result.metadata.setdefault("shape", str(header.get("shape")))


def _scan_numpy(handle: BinaryIO, result: ModelScan, name: str) -> None:
    _scan_numpy_stream(handle, result, "")


def _scan_safetensors(handle: BinaryIO, result: ModelScan, name: str) -> None:
    raw = handle.read(8)
    if len(raw) < 8:
        result.notes.append("too short for a safetensors header")
        return
    size = struct.unpack("<Q", raw)[0]
    if size > MAX_CONFIG_BYTES:
        result.notes.append("safetensors header larger than 16 MB: not read")
        return
    try:
        header = json.loads(handle.read(size))
    except ValueError:
        result.notes.append("safetensors header is not valid JSON")
        return
    if isinstance(header, dict):
        meta = header.get("__metadata__")
        result.metadata["tensors"] = len([k for k in header if k != "__metadata__"])
        if isinstance(meta, dict):
            result.metadata.update({f"metadata.{k}": str(v)[:200] for k, v in list(meta.items())[:20]})


# GGUF value types: id -> struct format (strings and arrays are read apart)
_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q",
                 12: "<d"}
_GGUF_KEEP = ("general.architecture", "general.name", "general.file_type", "general.quantization_version")


def _scan_gguf(handle: BinaryIO, result: ModelScan, name: str) -> None:
    reader = picklescan.Reader(handle, 256 << 20)
    try:
        reader.read(4)
        version = struct.unpack("<I", reader.read(4))[0]
        result.metadata["gguf_version"] = version
        if version < 2:
            result.notes.append("GGUF version 1 is not read")
            return
        reader.read(8)  # tensor count
        count = struct.unpack("<Q", reader.read(8))[0]
        for _ in range(min(count, GGUF_MAX_KV)):
            key = _gguf_string(reader, keep=True)
            kind = struct.unpack("<I", reader.read(4))[0]
            keep = key in _GGUF_KEEP or key.startswith("tokenizer.chat_template")
            value = _gguf_value(reader, kind, keep)
            if keep and value is not None:
                if key.startswith("tokenizer.chat_template"):
                    markers = sorted({m.group(0) for m in TEMPLATE_MARKERS.finditer(str(value))})
                    result.template_markers.extend(m for m in markers if m not in result.template_markers)
                    result.metadata["chat_template"] = "present"
                else:
                    result.metadata[key] = str(value)[:200]
    except (picklescan.BadPickle, picklescan.OverBudget, struct.error, ValueError) as error:
        result.notes.append(f"GGUF header not fully read ({type(error).__name__})")


def _gguf_string(reader: picklescan.Reader, keep: bool) -> str:
    size = struct.unpack("<Q", reader.read(8))[0]
    if size > GGUF_MAX_STRING:
        raise ValueError("string too long")
    if not keep:
        reader.skip(size)
        return ""
    return reader.read(size).decode("utf-8", "replace")


def _gguf_value(reader: picklescan.Reader, kind: int, keep: bool):
    if kind in _GGUF_SCALARS:
        fmt = _GGUF_SCALARS[kind]
        return struct.unpack(fmt, reader.read(struct.calcsize(fmt)))[0]
    if kind == 8:
        return _gguf_string(reader, keep)
    if kind == 9:
        inner = struct.unpack("<I", reader.read(4))[0]
        count = struct.unpack("<Q", reader.read(8))[0]
        if inner in _GGUF_SCALARS:
            reader.skip(count * struct.calcsize(_GGUF_SCALARS[inner]))
        else:
            for _ in range(count):
                _gguf_value(reader, inner, False)
        return None
    raise ValueError(f"unknown GGUF value type {kind}")


_SCANNERS = {
    "pickle": _scan_pickle, "pytorch": _scan_pickle, "joblib": _scan_joblib, "pytorch-zip": _scan_zip,
    "numpy-zip": _scan_zip, "keras": _scan_zip, "torchserve": _scan_zip, "numpy": _scan_numpy,
    "keras-h5": _scan_h5, "gguf": _scan_gguf, "safetensors": _scan_safetensors, "tensorflow": _scan_tensorflow,
}

__all__ = ["ModelScan", "model_format", "scan", "scan_file", "SUFFIXES", "PICKLE_FORMATS"]
