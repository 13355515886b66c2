"""Which globals a pickle stream would import, read without unpickling it.

Loading a pickle calls whatever its GLOBAL / STACK_GLOBAL opcodes name, so the names are the risk.
This walks the opcode stream itself (the opcode table below is the pickle protocol's; the walk
pushes nothing but strings and markers, never builds an object, never imports): the facts are
picklescan's and modelscan's (research section 3), the code is ours. Large byte arguments
(tensor data) are skipped with a seek, not read, and every read counts against a byte budget.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import BinaryIO

# how an opcode's argument is written: a fixed byte count, or one of these
LINE, TWO_LINES, LEN1, LEN4S, LEN4U, LEN8U = "line", "two-lines", "len1", "len4s", "len4u", "len8u"

# opcode byte -> (name, argument); names as in the pickle protocol (Lib/pickletools.py documents them)
OPCODES: dict[int, tuple[str, object]] = {
    ord("("): ("MARK", None), ord("."): ("STOP", None), ord("0"): ("POP", None), ord("1"): ("POP_MARK", None),
    ord("2"): ("DUP", None), ord("F"): ("FLOAT", LINE), ord("I"): ("INT", LINE), ord("J"): ("BININT", 4),
    ord("K"): ("BININT1", 1), ord("L"): ("LONG", LINE), ord("M"): ("BININT2", 2), ord("N"): ("NONE", None),
    ord("P"): ("PERSID", LINE), ord("Q"): ("BINPERSID", None), ord("R"): ("REDUCE", None),
    ord("S"): ("STRING", LINE), ord("T"): ("BINSTRING", LEN4S), ord("U"): ("SHORT_BINSTRING", LEN1),
    ord("V"): ("UNICODE", LINE), ord("X"): ("BINUNICODE", LEN4U), ord("a"): ("APPEND", None),
    ord("b"): ("BUILD", None), ord("c"): ("GLOBAL", TWO_LINES), ord("d"): ("DICT", None),
    ord("}"): ("EMPTY_DICT", None), ord("e"): ("APPENDS", None), ord("g"): ("GET", LINE),
    ord("h"): ("BINGET", 1), ord("i"): ("INST", TWO_LINES), ord("j"): ("LONG_BINGET", 4),
    ord("l"): ("LIST", None), ord("]"): ("EMPTY_LIST", None), ord("o"): ("OBJ", None),
    ord("p"): ("PUT", LINE), ord("q"): ("BINPUT", 1), ord("r"): ("LONG_BINPUT", 4),
    ord("s"): ("SETITEM", None), ord("t"): ("TUPLE", None), ord(")"): ("EMPTY_TUPLE", None),
    ord("u"): ("SETITEMS", None), ord("G"): ("BINFLOAT", 8),
    0x80: ("PROTO", 1), 0x81: ("NEWOBJ", None), 0x82: ("EXT1", 1), 0x83: ("EXT2", 2), 0x84: ("EXT4", 4),
    0x85: ("TUPLE1", None), 0x86: ("TUPLE2", None), 0x87: ("TUPLE3", None), 0x88: ("NEWTRUE", None),
    0x89: ("NEWFALSE", None), 0x8A: ("LONG1", LEN1), 0x8B: ("LONG4", LEN4S),
    ord("B"): ("BINBYTES", LEN4U), ord("C"): ("SHORT_BINBYTES", LEN1),
    0x8C: ("SHORT_BINUNICODE", LEN1), 0x8D: ("BINUNICODE8", LEN8U), 0x8E: ("BINBYTES8", LEN8U),
    0x8F: ("EMPTY_SET", None), 0x90: ("ADDITEMS", None), 0x91: ("FROZENSET", None), 0x92: ("NEWOBJ_EX", None),
    0x93: ("STACK_GLOBAL", None), 0x94: ("MEMOIZE", None), 0x95: ("FRAME", 8), 0x96: ("BYTEARRAY8", LEN8U),
    0x97: ("NEXT_BUFFER", None), 0x98: ("READONLY_BUFFER", None),
}
STRING_OPS = frozenset({"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE",
                        "BINUNICODE8"})
MEMO_OPS = frozenset({"MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"})
GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})

MAX_LINE = 4096  # a text argument (GLOBAL's names, a protocol-0 number) is short
MAX_KEPT_STRING = 1024  # longer strings cannot be a module or name: skipped, not kept
MAX_OPS = 2_000_000  # per file: bounds the time on a crafted stream
UNKNOWN = "unknown"


def is_pickle_start(head: bytes) -> bool:
    """Protocol 2-5 pickles start with PROTO and the protocol number (protocols 0 and 1 have no
    magic: those are recognised by extension only)."""
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


class OverBudget(Exception):
    pass


class BadPickle(Exception):
    pass


class Reader:
    """Reads from a binary stream, counting what it reads against a budget; skips by seeking."""

    def __init__(self, stream: BinaryIO, budget: int):
        self.stream = stream
        self.left = budget
        self.seekable = bool(getattr(stream, "seekable", lambda: False)())

    def read(self, count: int) -> bytes:
        if count > self.left:
            raise OverBudget()
        data = self.stream.read(count)
        self.left -= len(data)
        if len(data) < count:
            raise BadPickle("the stream ends inside an opcode")
        return data

    def skip(self, count: int) -> None:
        if self.seekable:
            here = self.stream.tell()
            end = self.stream.seek(0, io.SEEK_END)
            if here + count > end:
                raise BadPickle("an argument runs past the end of the stream")
            self.stream.seek(here + count)
            return
        while count:  # a decompressing stream: read through it, in chunks
            chunk = self.read(min(count, 1 << 20))
            count -= len(chunk)

    def line(self) -> bytes:
        found = bytearray()
        while True:
            byte = self.read(1)
            if byte == b"\n":
                return bytes(found)
            found += byte
            if len(found) > MAX_LINE:
                raise BadPickle("a text argument has no end of line")

    def peek(self) -> bytes:
        """The next byte without consuming it (b"" at the end)."""
        if self.seekable:
            here = self.stream.tell()
            byte = self.stream.read(1)
            self.stream.seek(here)
            return byte
        raise BadPickle("cannot peek")


@dataclass
class PickleScan:
    globals: list[tuple[str, str]] = field(default_factory=list)  # (module, name) in order, unique
    pickles: int = 0  # complete pickles read
    error: str = ""  # why the walk stopped early ("" when every pickle ended with STOP)
    truncated: bool = False  # the byte or opcode budget ran out


def scan_stream(stream: BinaryIO, budget: int = 64 << 20, max_pickles: int = 1) -> PickleScan:
    """The globals of the pickle(s) at the stream's position. `max_pickles` > 1 goes on over
    pickles written one after another (legacy PyTorch files hold four), stopping quietly at the
    first stream that is not a pickle."""
    reader = Reader(stream, budget)
    result = PickleScan()
    seen: set[tuple[str, str]] = set()
    ops = [0]
    for index in range(max_pickles):
        if index:
            try:
                nxt = reader.peek()
            except BadPickle:
                break
            if not nxt or nxt[0] != 0x80:
                break
        before = len(result.globals)
        try:
            _one(reader, result, seen, ops)
            result.pickles += 1
        except OverBudget:
            result.truncated = True
            result.error = "the byte or opcode budget ran out"
            break
        except BadPickle as error:
            if index and len(result.globals) == before:
                break  # data after the last pickle (a legacy PyTorch file's tensors): not an error
            result.error = str(error)
            break
    return result


def scan_bytes(data: bytes, max_pickles: int = 1) -> PickleScan:
    return scan_stream(io.BytesIO(data), budget=len(data) + 1, max_pickles=max_pickles)


def _one(reader: Reader, result: PickleScan, seen: set, ops: list[int]) -> None:
    memo: dict[int, object] = {}
    recent: list[object] = []  # what the last value-pushing opcodes pushed: a str, or None

    def found(module: str, name: str) -> None:
        key = (module, name)
        if key not in seen:
            seen.add(key)
            result.globals.append(key)

    def push(value: object) -> None:
        recent.append(value)
        if len(recent) > 2:
            del recent[0]

    while True:
        ops[0] += 1
        if ops[0] > MAX_OPS:
            raise OverBudget()
        code = reader.read(1)[0]
        spec = OPCODES.get(code)
        if spec is None:
            raise BadPickle(f"unknown opcode 0x{code:02x}")
        name, arg = spec
        value: object = None
        if arg is None:
            pass
        elif isinstance(arg, int):
            raw = reader.read(arg)
            value = int.from_bytes(raw, "little", signed=name in ("BININT", "EXT4"))
        elif arg == LINE:
            value = reader.line()
        elif arg == TWO_LINES:
            value = (reader.line(), reader.line())
        else:
            size = {LEN1: 1, LEN4S: 4, LEN4U: 4, LEN8U: 8}[arg]
            count = int.from_bytes(reader.read(size), "little", signed=arg == LEN4S)
            if count < 0:
                raise BadPickle("a negative length")
            if name in STRING_OPS and count <= MAX_KEPT_STRING:
                value = reader.read(count)
            else:
                reader.skip(count)
                value = None

        if name in ("GLOBAL", "INST"):
            module, attr = value
            found(_text(module), _text(attr))
            push(None)
        elif name == "STACK_GLOBAL":
            if len(recent) == 2 and all(isinstance(v, str) for v in recent):
                found(recent[0], recent[1])
            else:  # names computed at load time: nothing here says what would be imported
                found(UNKNOWN, UNKNOWN)
            recent.clear()
            push(None)
        elif name in STRING_OPS:
            push(_string(name, value))
        elif name in MEMO_OPS:
            key = len(memo) if name == "MEMOIZE" else _index(value)
            memo[key] = recent[-1] if recent else None
        elif name in GET_OPS:
            push(memo.get(_index(value)))
        elif name in ("EXT1", "EXT2", "EXT4"):
            # the copyreg extension registry names the global at load time
            found(UNKNOWN, f"extension code {value}")
            push(None)
        elif name == "STOP":
            return
        elif name in ("PROTO", "FRAME", "MARK", "POP", "POP_MARK"):
            pass
        else:
            push(None)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()


def _string(name: str, value: object) -> str | None:
    if not isinstance(value, bytes):
        return None
    text = value.decode("utf-8", "replace")
    if name == "STRING":  # protocol 0: a quoted repr
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]
    return text


def _index(value: object) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value)  # a decimal line (protocol 0 GET / PUT)
    except (TypeError, ValueError):
        return -1


# --- what the names mean --------------------------------------------------------------------

# whole modules whose import from a pickle means running commands, files, network or code
DANGEROUS_MODULES = frozenset("""
    os nt posix subprocess sys socket runpy shutil pty pickle _pickle bdb pdb asyncio aiohttp ctypes commands
    httplib http.client requests webbrowser cProfile profile pydoc timeit urllib.request urllib2 venv pip ssl
    uuid numpy.f2py numpy.testing._private.utils distutils.file_util test _osx_support _aix_support _pyrepl
    code codeop importlib imp marshal multiprocessing platform telnetlib ftplib smtplib xmlrpc
    _posixsubprocess _winapi signal dill._dill cloudpickle.cloudpickle idlelib lib2to3 ensurepip
    """.split())
# single callables that run code, read or write files, or load another pickle
DANGEROUS_NAMES = frozenset({
    *(f"{m}.{n}" for m in ("builtins", "__builtin__") for n in (
        "eval", "exec", "compile", "getattr", "setattr", "delattr", "apply", "open", "breakpoint",
        "__import__", "globals", "locals", "vars", "input", "execfile", "file", "reload", "memoryview")),
    "functools.partial", "functools.reduce", "logging.FileHandler", "_io.FileIO", "io.FileIO", "io.open",
    "_io.open", "operator.attrgetter", "operator.itemgetter", "operator.methodcaller", "_operator.attrgetter",
    "_operator.itemgetter", "_operator.methodcaller", "doctest.debug_script", "imaplib.IMAP4_stream",
    "pkgutil.resolve_name", "types.CodeType", "types.FunctionType", "types.MethodType",
    "torch.serialization.load", "torch.load", "torch.storage._load_from_bytes", "numpy.load",
    "joblib.load", "pandas.read_pickle", "pandas.io.pickle.read_pickle", "trace.Trace.run",
    "trace.Trace.runctx", "torch._dynamo.guards.GuardBuilder.get", "torch._inductor.codecache.compile_file",
    "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression",
    "torch.jit.unsupported_tensor_ops.execWrapper", "torch.utils._config_module.ConfigModule.load_config",
    "torch.utils.bottleneck.__main__.run_cprofile", "torch.utils.bottleneck.__main__.run_autograd_prof",
    "torch.utils.collect_env.run", "torch.utils.data.datapipes.utils.decoder.basichandlers",
    "tensorflow.keras.models.load_model", "keras.models.load_model",
    f"{UNKNOWN}.{UNKNOWN}",
})
# what a tensor, array or plain container needs to load: nothing else is imported by a weights file
SAFE_NAMES = frozenset({
    "collections.OrderedDict", "collections.defaultdict", "_codecs.encode", "codecs.encode",
    "copyreg._reconstructor", "copy_reg._reconstructor",
    *(f"{m}.{n}" for m in ("builtins", "__builtin__") for n in (
        "set", "frozenset", "bytearray", "bytes", "slice", "complex", "range", "object", "list", "dict",
        "tuple", "int", "float", "bool", "str")),
    "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor", "torch.Size", "torch.device",
    "torch.dtype", "torch._tensor._rebuild_from_type_v2", "torch.nn.parameter.Parameter", "torch.Tensor",
    *(f"torch.{n}Storage" for n in ("Long", "Float", "Half", "QUInt2x4", "QUInt4x2", "QInt32", "QInt8",
                                     "QUInt8", "ComplexFloat", "ComplexDouble", "Double", "BFloat16",
                                     "Bool", "Char", "Short", "Int", "Byte", "Untyped")),
    *(f"torch.{n}" for n in ("float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
                              "uint8", "bool", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2")),
    "numpy.ndarray", "numpy.dtype", "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
    *(f"numpy.dtypes.{n}DType" for n in ("Float64", "Float32", "Float16", "Int64", "Int32", "Int16", "Int8",
                                         "UInt8", "Bool", "Object", "Str", "Bytes")),
    "joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
})


def classify(module: str, name: str) -> str:
    """"dangerous", "safe" or "unverified" (anything else: a class the loader will import and
    call, which the file's provenance alone can vouch for)."""
    full = f"{module}.{name}"
    if full in DANGEROUS_NAMES:
        return "dangerous"
    parts = module.split(".")
    if any(".".join(parts[:i]) in DANGEROUS_MODULES for i in range(1, len(parts) + 1)):
        return "dangerous"
    if full in SAFE_NAMES:
        return "safe"
    return "unverified"


__all__ = ["scan_stream", "scan_bytes", "classify", "is_pickle_start", "PickleScan", "Reader", "OverBudget",
           "BadPickle"]
