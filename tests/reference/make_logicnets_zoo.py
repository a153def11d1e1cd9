#!/usr/bin/python3
"""Build small synthetic LogicNets checkpoints of several shapes for tests/data/zoo.

Each model is written with plain torch under LogicNets' state-dict key names, in both PyTorch
container formats, without Brevitas or LogicNets installed. It has random weights and random sparse
masks with exactly fan-in connections per neuron. Its BatchNorm statistics are calibrated on random
data so that codes spread over their range. It has learned log2 scales, the input quantizer's
scalar bias and the last layer's post-transform. A few table entries per layer are placed exactly on a rounding tie (see plant_ties).

Then every model's truth tables are recomputed with torch operations the way LogicNets computes them
(F.linear on the whole layer, F.batch_norm) and compared with logicnets_reference.py, and the
reference writes the expected files of each folder. Everything is seeded, so a rerun writes the same
bytes.

Usage: /usr/bin/python3 tests/reference/make_logicnets_zoo.py [--out tests/data/zoo] [model ...]
"""

import argparse
import collections
import io
import json
import os
import pickle
import struct
import sys

import numpy as np
import torch

# Keep the source tree free of __pycache__ when tests run these scripts.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logicnets_reference as reference  # noqa: E402

F32 = np.float32
SCALE_KEY = reference.SCALE_KEY
CALIBRATION_SAMPLES = 4096
PLANTED_TIES_PER_LAYER = 2
TIE_CANDIDATES = 12
TIE_SEARCH_STEPS = 64

# LogicNets config keys, plus the wrapper each checkpoint is saved with.
MODELS = collections.OrderedDict([
    ("w3", dict(hidden_layers=[16, 8], input_length=16, output_length=5, input_bitwidth=3,
                hidden_bitwidth=3, output_bitwidth=3, input_fanin=3, hidden_fanin=3, output_fanin=3,
                wrapper="checkpoint", seed=301)),
    ("mixed437", dict(hidden_layers=[8, 8], input_length=16, output_length=5, input_bitwidth=4,
                      hidden_bitwidth=3, output_bitwidth=7, input_fanin=3, hidden_fanin=4, output_fanin=5,
                      wrapper="bare", seed=437)),
    ("wide64", dict(hidden_layers=[32], input_length=64, output_length=10, input_bitwidth=2,
                    hidden_bitwidth=2, output_bitwidth=2, input_fanin=4, hidden_fanin=3, output_fanin=3,
                    wrapper="checkpoint", seed=64)),
    # No hidden layers: LogicNets uses the first-layer branch, so output_bitwidth, hidden_fanin and
    # output_fanin are unused. They differ from the used values so that a tool reading them fails.
    ("onelayer", dict(hidden_layers=[], input_length=16, output_length=5, input_bitwidth=2,
                      hidden_bitwidth=2, output_bitwidth=3, input_fanin=4, hidden_fanin=2, output_fanin=5,
                      wrapper="bare", seed=1)),
    ("key15", dict(hidden_layers=[8, 8, 8], input_length=16, output_length=4, input_bitwidth=3,
                   hidden_bitwidth=3, output_bitwidth=3, input_fanin=5, hidden_fanin=5, output_fanin=5,
                   wrapper="checkpoint", seed=15)),
])
ARCH_KEYS = ["hidden_layers", "input_bitwidth", "hidden_bitwidth", "output_bitwidth", "input_fanin",
             "hidden_fanin", "output_fanin", "input_length", "output_length"]


def quantize(u, scale, bits, signed):
    step = F32(scale / F32(2 ** (bits - 1) if signed else 2 ** bits - 1))
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    codes = np.rint(np.clip((u / step).astype(F32), low, high))
    return codes, (codes * step).astype(F32)


def batchnorm_stats(rng, z, relu_output):
    """Return BatchNorm parameters for pre-activations z (one column per channel): running
    statistics close to the data's, a gamma that is sometimes negative, and a beta that moves ReLU
    outputs into the positive range."""
    channels = z.shape[1]
    deviation = z.std(axis=0) + 1e-3
    running_mean = z.mean(axis=0) + rng.normal(scale=0.05, size=channels) * deviation
    running_var = deviation ** 2 * rng.uniform(0.8, 1.25, size=channels)
    gamma = rng.uniform(0.7, 1.3, size=channels) * np.where(rng.uniform(size=channels) < 0.15, -1, 1)
    beta = rng.uniform(0.2, 0.8, size=channels) if relu_output else rng.normal(scale=0.2, size=channels)
    return [torch.tensor(a.astype(F32)) for a in (gamma, beta, running_mean, running_var)]


def apply_batchnorm(z, gamma, beta, mean, var):
    return ((z - mean.numpy()) / np.sqrt(var.numpy() + 1e-5) * gamma.numpy() + beta.numpy()).astype(F32)


def log2_scale(value):
    return torch.tensor(F32(np.log2(value)))


def make_state_dict(arch, rng):
    """Return a LogicNets-shaped state dict (OrderedDict) with calibrated statistics."""
    sizes = [arch["input_length"]] + arch["hidden_layers"] + [arch["output_length"]]
    layer_count = len(sizes) - 1
    state = collections.OrderedDict()
    batches = torch.tensor(1680, dtype=torch.int64)

    # Raw features with per-feature offsets and spreads, quantized by the input quantizer.
    features = (rng.normal(size=(CALIBRATION_SAMPLES, sizes[0])) * rng.uniform(0.5, 2.0, size=sizes[0])
                + rng.normal(scale=0.5, size=sizes[0]))
    gamma, beta, mean, var = batchnorm_stats(rng, features, relu_output=False)
    scalar_bias = torch.tensor([F32(rng.normal(-0.1, 0.05))])
    input_scale = rng.uniform(1.6, 2.4)
    input_quant = collections.OrderedDict([
        (SCALE_KEY, log2_scale(input_scale)),
        ("pre_transforms.0.weight", gamma), ("pre_transforms.0.bias", beta),
        ("pre_transforms.0.running_mean", mean), ("pre_transforms.0.running_var", var),
        ("pre_transforms.0.num_batches_tracked", batches.clone()),
        ("pre_transforms.1.bias", scalar_bias),
    ])
    u = apply_batchnorm(features, gamma, beta, mean, var) + scalar_bias.numpy()[0]
    _, values = quantize(u, F32(2 ** input_quant[SCALE_KEY].item()), arch["input_bitwidth"], True)

    for index in range(layer_count):
        first, last = index == 0, index == layer_count - 1
        relu_output = first or not last
        if first:
            fan_in = arch["input_fanin"]
        elif last:
            fan_in = arch["output_fanin"]
        else:
            fan_in = arch["hidden_fanin"]
        out_features, in_features = sizes[index + 1], sizes[index]

        # Dense weights: entries outside the mask stay nonzero, as in trained models.
        weight = rng.normal(size=(out_features, in_features)) / np.sqrt(fan_in)
        mask = np.zeros((out_features, in_features), dtype=F32)
        for neuron in range(out_features):
            mask[neuron, rng.choice(in_features, size=fan_in, replace=False)] = 1
        bias = rng.normal(scale=0.1, size=out_features)
        z = values @ (weight * mask).T.astype(F32) + bias.astype(F32)

        gamma, beta, mean, var = batchnorm_stats(rng, z, relu_output)
        bits = arch["hidden_bitwidth"] if relu_output else arch["output_bitwidth"]
        scale = rng.uniform(2.0, 3.0) if relu_output else rng.uniform(1.5, 2.5)
        output_quant = collections.OrderedDict([
            (SCALE_KEY, log2_scale(scale)),
            ("pre_transforms.0.weight", gamma), ("pre_transforms.0.bias", beta),
            ("pre_transforms.0.running_mean", mean), ("pre_transforms.0.running_var", var),
            ("pre_transforms.0.num_batches_tracked", batches.clone()),
        ])
        if last and not first:
            output_quant["post_transforms.0.weight"] = torch.tensor([F32(rng.uniform(1.0, 2.0))])
            output_quant["post_transforms.0.bias"] = torch.tensor([F32(rng.normal(0.3, 0.1))])

        # Layer i's input quantizer is layer i-1's output quantizer: the same tensors, so both
        # container formats store each storage once, as in real checkpoints.
        prefix = f"module_list.{index}"
        for key, tensor in input_quant.items():
            state[f"{prefix}.input_quant.{key}"] = tensor
        state[f"{prefix}.fc.weight"] = torch.tensor(weight.astype(F32))
        state[f"{prefix}.fc.bias"] = torch.tensor(bias.astype(F32))
        state[f"{prefix}.fc.mask.mask"] = torch.tensor(mask)
        for key, tensor in output_quant.items():
            state[f"{prefix}.output_quant.{key}"] = tensor

        u = apply_batchnorm(z, gamma, beta, mean, var)
        _, values = quantize(u, F32(2 ** output_quant[SCALE_KEY].item()), bits, not relu_output)
        input_quant = output_quant
    return state


def add_module_metadata(state):
    """Attach the per-module version table that nn.Module.state_dict() pickles with the dict."""
    metadata = collections.OrderedDict([("", {"version": 1})])
    for key in state:
        parts = key.split(".")[:-1]
        for end in range(1, len(parts) + 1):
            module = ".".join(parts[:end])
            # BatchNorm modules are at version 2 in PyTorch 1.13, the others at version 1.
            version = 2 if module.endswith("pre_transforms.0") else 1
            metadata.setdefault(module, {"version": version})
    state._metadata = metadata


def plant_ties(state, arch, rng):
    """Move a few entries per layer exactly onto a rounding tie of the reference arithmetic.

    For the chosen neurons the BatchNorm bias is nudged, one float32 step at a time, until one
    table entry's quotient is exactly k + 0.5 with k even, both as (u / scale) * int_scale and as u / s. Such
    entries round to k only with round-half-even and the exact float32 operation order, so they
    catch a tool that rounds half away from zero, skips the FMA in BatchNorm or sums in float64.
    Returns the list of planted (layer, neuron, key, tie) tuples.
    """
    planted = []
    layers = reference.build_network(_numpy_state(state), arch)
    for layer in layers:
        chosen = rng.choice(layer.out_features, size=min(PLANTED_TIES_PER_LAYER, layer.out_features),
                            replace=False)
        for neuron in sorted(int(n) for n in chosen):
            tie = _plant_one(state, layer, neuron)
            if tie is not None:
                planted.append((layer.index, neuron) + tie)
    return planted


def _plant_one(state, layer, neuron):
    quant = layer.input_quant
    out = layer.output_quant
    key_order = list(layer.inputs[neuron])
    fan_in = len(key_order)
    patterns = reference.key_fields(fan_in * quant.bits, fan_in, quant.bits)
    codes = reference.table_json.pattern_to_code(quant.code_kind, quant.bits, patterns)
    _, u, _ = layer.evaluate(neuron, codes)
    quotient = out.quotient(u).astype(np.float64)

    # The nearest tie k + 0.5 with k even and both k and k + 1 inside the code range.
    lower = np.floor(quotient)
    even = lower - np.mod(lower, 2)
    candidates = [(abs(quotient[key] - (k + 0.5)), int(key), k + 0.5)
                  for key in range(len(quotient)) for k in (even[key], even[key] + 2, even[key] - 2)
                  if out.min_code <= k and k + 1 <= out.max_code]
    bias_key = f"module_list.{layer.index}.output_quant.pre_transforms.0.bias"
    bias = state[bias_key]
    batchnorm = out.batchnorm
    # Not every entry can be hit exactly (a float32 step of the bias can move u by more than
    # one step of u / s), so the nearest few candidates are tried.
    for _, key, tie in sorted(candidates)[:TIE_CANDIDATES]:
        shift = F32((tie - quotient[key]) * float(out.step))
        target = F32(bias[neuron].item() + shift)
        target_row = codes[key:key + 1]
        for distance in range(TIE_SEARCH_STEPS):
            for candidate in (_nudge(target, distance), _nudge(target, -distance)):
                trial_bias = batchnorm.bias.copy()
                trial_bias[neuron] = candidate
                out.batchnorm = reference.BatchNorm(batchnorm.weight, trial_bias, batchnorm.mean,
                                                    batchnorm.var)
                _, u_trial, _ = layer.evaluate(neuron, target_row)
                brevitas_order = float(out.quotient(u_trial)[0]) == tie
                step_order = float((u_trial / out.step).astype(F32)[0]) == tie
                if brevitas_order and step_order:
                    bias[neuron] = torch.tensor(candidate)
                    return key, tie
    out.batchnorm = batchnorm
    return None


def _nudge(value, steps):
    value = F32(value)
    direction = F32(np.inf) if steps > 0 else F32(-np.inf)
    for _ in range(abs(steps)):
        value = np.nextafter(value, direction)
    return value


def _numpy_state(state):
    return {key: value.detach().numpy().copy() for key, value in state.items()}


def torch_tables(state, arch):
    """Recompute every table with torch the way LogicNets' calculate_truth_tables does: the whole
    layer's F.linear on a zero-padded enumeration matrix, then F.batch_norm over all channels,
    then the quantizer. Returns {(layer, neuron): codes by key}."""
    layers = reference.build_network(_numpy_state(state), arch)
    tables = {}
    with torch.no_grad():
        for layer in layers:
            prefix = f"module_list.{layer.index}"
            weight = state[f"{prefix}.fc.weight"] * state[f"{prefix}.fc.mask.mask"]
            bn = [state[f"{prefix}.output_quant.pre_transforms.0.{name}"]
                  for name in ("running_mean", "running_var", "weight", "bias")]
            quant, out = layer.input_quant, layer.output_quant
            in_step = torch.tensor(quant.step)
            for neuron in range(layer.out_features):
                inputs = layer.inputs[neuron]
                patterns = reference.key_fields(len(inputs) * quant.bits, len(inputs), quant.bits)
                codes = reference.table_json.pattern_to_code(quant.code_kind, quant.bits, patterns)
                padded = torch.zeros((len(codes), layer.in_features))
                padded[:, inputs] = torch.tensor(codes, dtype=torch.float32) * in_step
                z = torch.nn.functional.linear(padded, weight, state[f"{prefix}.fc.bias"])
                u = torch.nn.functional.batch_norm(z, bn[0], bn[1], bn[2], bn[3], False, 0.1, 1e-5)
                quotient = u[:, neuron] / torch.tensor(out.scale_param) * torch.tensor(out.int_scale)
                q = torch.round(torch.clamp(quotient, out.min_code, out.max_code))
                tables[(layer.index, neuron)] = q.to(torch.int64).numpy()
    return tables


class _StorageRecorder(pickle.Unpickler):
    """Unpickler that records the persistent ids of storages instead of loading tensors."""

    def __init__(self, stream):
        super().__init__(stream)
        self.storages = []

    def persistent_load(self, pid):
        _, storage_type, key, _, numel = pid[:5]
        if key not in [entry[0] for entry in self.storages]:
            self.storages.append((key, storage_type, numel))
        return None

    def find_class(self, module, name):
        if module == "torch" and name.endswith("Storage"):
            return name
        if module == "torch._utils":
            return lambda *args: None
        return super().find_class(module, name)


ELEMENT_SIZES = {"FloatStorage": 4, "LongStorage": 8}


def renumber_legacy_storage_keys(path):
    """Rewrite a legacy-format checkpoint with stable storage keys and storage order, in place.

    PyTorch's legacy writer names each storage by its memory address and writes the storages in
    the sorted order of those names, so two runs write different bytes. The keys are renamed in
    order of first use in the object pickle. A renamed string may change length, because pickle
    opcodes refer to memo slots and not to byte offsets. Then the key list is written again, and
    the storage blocks (an int64 element count, then the raw data) follow in the new key order.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    stream = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        pickle.load(stream)
    object_start = stream.tell()
    recorder = _StorageRecorder(stream)
    recorder.load()
    object_end = stream.tell()
    keys = pickle.load(stream)
    blocks_start = stream.tell()

    if set(keys) != {entry[0] for entry in recorder.storages}:
        raise RuntimeError(f"{path}: the storage key list does not match the pickled tensors")

    blocks = {}
    position = blocks_start
    for key in keys:
        element_size = ELEMENT_SIZES[dict((k, t) for k, t, _ in recorder.storages)[key]]
        count = struct.unpack_from("<q", data, position)[0]
        end = position + 8 + count * element_size
        blocks[key] = data[position:end]
        position = end
    if position != len(data):
        raise RuntimeError(f"{path}: {len(data) - position} bytes left after the storages")

    object_pickle = data[object_start:object_end]
    renamed = {}
    for rank, (key, _, _) in enumerate(recorder.storages):
        # Equal-width decimal names shaped like the addresses PyTorch writes.
        renamed[key] = str(94000000000000 + 64 * rank)
        old = key.encode("ascii")
        new = renamed[key].encode("ascii")
        object_pickle = object_pickle.replace(b"X" + struct.pack("<I", len(old)) + old,
                                              b"X" + struct.pack("<I", len(new)) + new)
    new_keys = sorted(renamed.values())
    by_new_key = {renamed[key]: blocks[key] for key in keys}
    with open(path, "wb") as handle:
        handle.write(data[:object_start] + object_pickle + pickle.dumps(new_keys, protocol=2))
        for key in new_keys:
            handle.write(by_new_key[key])


def write_model(folder, name, spec):
    arch = {key: spec[key] for key in ARCH_KEYS}
    rng = np.random.RandomState(spec["seed"])
    torch.manual_seed(spec["seed"])
    state = make_state_dict(arch, rng)
    planted = plant_ties(state, arch, rng)
    add_module_metadata(state)

    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "arch.json"), "w", encoding="ascii") as handle:
        json.dump(arch, handle, indent=1)
        handle.write("\n")
    if spec["wrapper"] == "checkpoint":
        content = {"model_dict": state, "val_accuracy": 50.0, "test_accuracy": 49.5, "epoch": 7}
    else:
        content = state
    torch.save(content, os.path.join(folder, "model_zip.pth"))
    legacy_path = os.path.join(folder, "model_legacy.pth")
    torch.save(content, legacy_path, _use_new_zipfile_serialization=False)
    renumber_legacy_storage_keys(legacy_path)

    # Cross-check the reference's arithmetic against torch's own kernels.
    document, _ = reference.compute_tables(reference.build_network(_numpy_state(state), arch))
    expected = torch_tables(state, arch)
    mismatches = 0
    for layer in document["layers"]:
        for neuron in layer["neurons"]:
            mismatches += int(np.count_nonzero(
                np.asarray(neuron["codes"]) != expected[(layer["layer"], neuron["neuron"])]))
    print(f"{name}: planted ties (layer, neuron, key, tie): {planted}")
    print(f"{name}: torch F.linear + F.batch_norm tables differ from the reference in {mismatches} entries")
    return mismatches


def main(argv):
    parser = argparse.ArgumentParser(description="Build the LogicNets checkpoint zoo.")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "data", "zoo"),
                        help="output folder (default: tests/data/zoo)")
    parser.add_argument("models", nargs="*", help=f"models to build (default: all of {list(MODELS)})")
    args = parser.parse_args(argv)
    names = args.models or list(MODELS)
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {list(MODELS)}")

    failures = 0
    for name in names:
        folder = os.path.join(os.path.normpath(args.out), name)
        failures += write_model(folder, name, MODELS[name])
        if reference.main(["zoo", folder]) != 0:
            failures += 1
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
