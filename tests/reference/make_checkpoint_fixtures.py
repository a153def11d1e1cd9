#!/usr/bin/env python3
"""Write the small checkpoints that tests/unit/checkpoint_*_test.cpp read, with the values that
torch.load decodes from each of them, into tests/data/checkpoints/.

Run with a Python that has PyTorch (tested with Debian's python3-torch 1.13) and numpy:

    python3 tests/reference/make_checkpoint_fixtures.py

The expected values come from torch.load, a second implementation, so the C++ reader is checked
against PyTorch itself. It also summarizes the LogicNets checkpoints in tests/data/jsc_s_digits
and tests/data/iiot_cybernid. The output is byte-identical from run to run.
"""

import io
import json
import math
import os
import pickle
import pickletools
import zipfile
from collections import OrderedDict

import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "tests", "data", "checkpoints")


def json_number(x):
    """JSON has no infinities or NaN, so those are written as strings."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def describe(tensor):
    return {
        "dtype": str(tensor.dtype).replace("torch.", ""),
        "shape": list(tensor.shape),
        "values": [json_number(v) for v in tensor.detach().double().flatten().tolist()],
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def expected_from_torch_load(path):
    """Decode path with torch.load and describe what read_checkpoint must return."""
    obj = torch.load(path, map_location="cpu")
    wrapped = isinstance(obj, dict) and "model_dict" in obj
    state = obj["model_dict"] if wrapped else obj
    with open(path, "rb") as f:
        container = "zip" if f.read(4) == b"PK\x03\x04" else "legacy"
    return {
        "container": container,
        "wrapped_in_model_dict": wrapped,
        "tensors": {k: describe(v) for k, v in state.items() if isinstance(v, torch.Tensor)},
    }


def renumber_legacy_keys(data):
    """The legacy writer names storages by memory address. Rename them "0", "1", ... in order of
    first use and write the key list and the storages again, in the string order of the new keys
    as torch.save does, so the file is the same on every run."""
    f = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        pickle.load(f)
    object_start = f.tell()

    element_sizes = {}

    class StorageCollector(pickle.Unpickler):
        def persistent_load(self, pid):
            if pid[2] not in element_sizes:
                element_sizes[pid[2]] = torch.tensor([], dtype=pid[1].dtype).element_size()
            return None

        def find_class(self, module, name):
            if module == "torch._utils":
                return lambda *args: None
            return super().find_class(module, name)

    StorageCollector(f).load()
    object_end = f.tell()
    keys = pickle.load(f)

    storages = {}
    for key in keys:
        count = int.from_bytes(f.read(8), "little")
        storages[key] = count.to_bytes(8, "little") + f.read(count * element_sizes[key])
    assert f.read() == b""

    new_keys = {key: str(index) for index, key in enumerate(element_sizes)}
    object_pickle = data[object_start:object_end]
    for key, new in new_keys.items():
        object_pickle = object_pickle.replace(
            b"X" + len(key).to_bytes(4, "little") + key.encode(),
            b"X" + len(new).to_bytes(4, "little") + new.encode())

    # torch.save lists the keys in string order and writes the storages in that order.
    old_keys = {new: key for key, new in new_keys.items()}
    key_list = sorted(new_keys[k] for k in keys)
    result = data[:object_start] + object_pickle + pickle.dumps(key_list, protocol=2)
    for new in key_list:
        result += storages[old_keys[new]]
    return result


def save(obj, name, legacy=False, protocol=2):
    path = os.path.join(OUT, name + ".pth")
    buffer = io.BytesIO()
    torch.save(obj, buffer, pickle_protocol=protocol, _use_new_zipfile_serialization=not legacy)
    data = buffer.getvalue()
    if legacy:
        data = renumber_legacy_keys(data)
    with open(path, "wb") as f:
        f.write(data)
    return path


def save_with_expected(obj, name, **kwargs):
    path = save(obj, name, **kwargs)
    write_json(os.path.join(OUT, name + ".json"), expected_from_torch_load(path))


def bare_state_dict():
    """Tensors of every dtype, views that share one storage, strides and a scalar."""
    torch.manual_seed(0)
    weight = torch.randn(3, 4)
    base = torch.arange(20, dtype=torch.float32)
    state = OrderedDict()
    state["fc.weight"] = weight
    state["fc.weight_transposed"] = weight.t()              # strides (1, 4), same storage
    state["line.base"] = base
    state["line.slice"] = base[5:15:2]                       # offset 5, stride 2
    state["line.window"] = base.view(4, 5)[1:, 2:4]          # offset 7, strides (5, 1)
    state["line.broadcast"] = torch.tensor([1.5, -2.5]).expand(3, 2)  # stride 0
    state["scalar"] = torch.tensor(3.5)
    state["bn.num_batches_tracked"] = torch.tensor(7)
    state["param"] = torch.nn.Parameter(torch.tensor([0.25, -0.75]))
    state["empty"] = torch.zeros(0, 3)
    state["specials"] = torch.tensor([math.inf, -math.inf, math.nan, -0.0, 1e-45])
    state["dtype.float64"] = torch.tensor([[1.0 / 3.0, -2.0e300], [5e-324, 0.1]], dtype=torch.float64)
    state["dtype.float16"] = torch.tensor([1.0, -2.5, 65504.0, 2.0 ** -24, 2.0 ** -14, 0.1], dtype=torch.float16)
    state["dtype.bfloat16"] = torch.tensor([1.0, -3.140625, 1e30, 0.1], dtype=torch.bfloat16)
    state["dtype.int64"] = torch.tensor([-(2 ** 53), 2 ** 53, -1, 0], dtype=torch.int64)
    state["dtype.int32"] = torch.tensor([-(2 ** 31), 2 ** 31 - 1, 5], dtype=torch.int32)
    state["dtype.int16"] = torch.tensor([[-32768, 32767], [-1, 2]], dtype=torch.int16)
    state["dtype.int8"] = torch.tensor([-128, 127, -3], dtype=torch.int8)
    state["dtype.uint8"] = torch.tensor([0, 255, 17], dtype=torch.uint8)
    state["dtype.bool"] = torch.tensor([True, False, True])
    return state


class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)
        self.bn = torch.nn.BatchNorm1d(3)

    def forward(self, x):
        return self.bn(self.fc(x))


def training_checkpoint():
    """A LogicNets-style training checkpoint with optimizer state beside the state dict."""
    torch.manual_seed(1)
    model = TinyNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss = model(torch.randn(5, 4)).pow(2).mean()
    loss.backward()
    optimizer.step()
    return {
        "model_dict": model.state_dict(),
        "optim_dict": optimizer.state_dict(),
        "val_accuracy": 91.25,
        "test_accuracy": 90.5,
        "epoch": 3,
    }


def write_zip(name, entries, compression=zipfile.ZIP_STORED):
    """Write a zip archive with fixed timestamps, in the layout of torch.save."""
    path = os.path.join(OUT, name + ".pth")
    with zipfile.ZipFile(path, "w") as archive:
        for entry, data in entries:
            info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)


def zip_entries(path):
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def write_bad_fixtures():
    # A pickle that would run os.system("echo pwned") if it were unpickled by Python.
    evil = b"\x80\x02cos\nsystem\nq\x00X\x0b\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
    write_zip("bad_forbidden_global_zip", [("archive/data.pkl", evil), ("archive/version", b"3\n")])

    legacy_header = b"".join(pickle.dumps(x, protocol=2) for x in (
        0x1950a86a20f9469cfc6c, 1001,
        {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}))
    with open(os.path.join(OUT, "bad_forbidden_global_legacy.pth"), "wb") as f:
        f.write(legacy_header + evil + pickle.dumps([], protocol=2))

    # The storage of fc.weight (12 float32 values) cut to 10 bytes.
    good = os.path.join(OUT, "zip_state_dict.pth")
    entries = zip_entries(good)
    weight_key = "archive/data/0"
    assert any(name == weight_key for name, _ in entries)
    write_zip("bad_storage_too_small",
              [(name, data[:10] if name == weight_key else data) for name, data in entries])

    write_zip("bad_missing_storage", [(name, data) for name, data in entries if name != weight_key])
    write_zip("bad_compressed_entry", entries, compression=zipfile.ZIP_DEFLATED)

    save({"epoch": 3, "val_accuracy": 91.25}, "bad_no_tensors")
    save(torch.nn.Linear(2, 2), "bad_whole_model")


def summarize_real_checkpoint(path, name):
    """Summarize a real checkpoint: every tensor's dtype, shape, first values, last value and
    exact sum, small enough to commit."""
    expected = expected_from_torch_load(path)
    for tensor in expected["tensors"].values():
        values = tensor.pop("values")
        tensor["head"] = values[:4]
        tensor["last"] = values[-1] if values else None
        tensor["sum"] = math.fsum(values)
    write_json(os.path.join(OUT, name + ".summary.json"), expected)


def main():
    os.makedirs(OUT, exist_ok=True)
    state = bare_state_dict()
    save_with_expected(state, "zip_state_dict")
    save_with_expected(state, "legacy_state_dict", legacy=True)
    save_with_expected(state, "zip_protocol5_state_dict", protocol=5)

    checkpoint = training_checkpoint()
    save_with_expected(checkpoint, "zip_model_dict")
    save_with_expected(checkpoint, "legacy_model_dict", legacy=True)

    write_bad_fixtures()

    data = os.path.join(REPO, "tests", "data")
    summarize_real_checkpoint(os.path.join(data, "jsc_s_digits", "best_accuracy_legacy_format.pth"),
                              "jsc_s_digits")
    summarize_real_checkpoint(os.path.join(data, "iiot_cybernid", "best_accuracy.pth"), "iiot_cybernid")


if __name__ == "__main__":
    main()
