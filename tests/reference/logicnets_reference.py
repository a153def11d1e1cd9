#!/usr/bin/python3
"""Independent numpy implementation of LogicNets' truth-table arithmetic.

It reads a LogicNets checkpoint and an architecture JSON in LogicNets' config keys. torch is used
only to unpickle the checkpoint. It computes every neuron's truth table and the codes of every layer
for a dataset, in float32 with the operation order of PyTorch 1.13 on x86-64 CPUs with AVX2:

  * input value of code c:   float32(c * s), s = float32(scale_param / int_scale),
                             scale_param = max(float32(2 ** learned_value), 2^-16)
  * pre-activation:          products float32(w_j * v_j) summed in ascending input index order,
                             then + fc.bias (what F.linear's sgemm gives for masked weights)
  * BatchNorm (eval):        invstd = 1 / sqrt(var + eps), alpha = invstd * gamma,
                             beta' = fma(-mean, alpha, beta), out = fma(z, alpha, beta')
                             (PyTorch's CPU kernel is compiled with FMA contraction)
  * code:                    round_half_even(clamp(float32(float32(u / scale_param) * int_scale),
                             min, max)), the order of Brevitas' IntQuant.to_int (brevitas/core/quant.py,
                             2020 revisions). For signed codes int_scale is a power of two and this
                             equals u / s exactly. For unsigned codes it can differ from u / s by one
                             float32 step, which changes a code only next to a rounding tie.

Subcommands:
  tables      write the truth tables of a checkpoint in the lutgen table JSON format
  zoo         write the expected tables and a 200-sample dataset with its per-layer codes for one
              model folder of tests/data/zoo (see make_logicnets_zoo.py)
  fixture     check this implementation against a folder that LogicNets itself produced
"""

import argparse
import json
import os
import sys
import zlib

import numpy as np

# Keep the source tree free of __pycache__ when tests run these scripts.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_json  # noqa: E402

F32 = np.float32
BN_EPS = F32(1e-5)
SCALE_MIN = F32(2.0 ** -16)
NEAR_TIE_DISTANCE = 1e-4
SCALE_KEY = ("brevitas_module.act_quant_proxy.fused_activation_quant_proxy."
             "tensor_quant.scaling_impl.learned_value")
TABLE_JSON_LIMIT_BYTES = 1 << 20
DATASET_SIZE = 200


class ModelError(Exception):
    """A checkpoint, architecture or dataset that does not describe a supported LogicNets model."""


def fma32(x, y, z):
    """Return float32(x * y + z) rounded once, like a hardware fused multiply-add.

    x * y is exact in float64 for float32 operands. The float64 sum can round a second time, and
    that changes the float32 result only when it lands exactly halfway between two float32
    values, so that case is corrected with the rounding error of the float64 addition.
    """
    product = np.asarray(x, dtype=np.float64) * np.asarray(y, dtype=np.float64)
    addend = np.broadcast_to(np.asarray(z, dtype=np.float64), product.shape)
    total = product + addend
    addend_part = total - product
    product_part = total - addend_part
    error = (product - product_part) + (addend - addend_part)

    rounded = total.astype(F32)
    lower = np.where(rounded.astype(np.float64) > total, np.nextafter(rounded, F32(-np.inf)), rounded)
    upper = np.nextafter(lower, F32(np.inf))
    halfway = (lower.astype(np.float64) + upper.astype(np.float64)) / 2
    tie = (total == halfway) & (error != 0)
    return np.where(tie, np.where(error > 0, upper, lower), rounded).astype(F32)


class BatchNorm:
    def __init__(self, weight, bias, running_mean, running_var):
        self.weight = weight.astype(F32)
        self.bias = bias.astype(F32)
        self.mean = running_mean.astype(F32)
        self.var = running_var.astype(F32)
        invstd = F32(1) / np.sqrt(self.var + BN_EPS)
        self.alpha = (invstd * self.weight).astype(F32)
        self.beta = fma32(-self.mean, self.alpha, self.bias)

    def apply(self, z, channel):
        return fma32(z, self.alpha[channel], self.beta[channel])

    def apply64(self, z, channel):
        mean, var = np.float64(self.mean[channel]), np.float64(self.var[channel])
        return ((z - mean) / np.sqrt(var + np.float64(BN_EPS)) * np.float64(self.weight[channel])
                + np.float64(self.bias[channel]))


class Quantizer:
    """A LogicNets activation quantizer: QuantHardTanh (signed) or QuantReLU (unsigned)."""

    def __init__(self, kind, bits, scale_param, scale_param64, batchnorm=None, scalar_bias=None):
        if kind not in ("hardtanh", "relu"):
            raise ModelError(f"quantizer kind '{kind}' is not supported by this reference; "
                                 "use hardtanh or relu")
        self.kind = kind
        self.bits = bits
        self.signed = kind == "hardtanh"
        self.code_kind = "signed" if self.signed else "unsigned"
        self.min_code, self.max_code = table_json.code_range(self.code_kind, bits)
        int_scale = 2 ** (bits - 1) if self.signed else 2 ** bits - 1
        self.int_scale = F32(int_scale)
        self.scale_param = F32(scale_param)
        self.step = F32(self.scale_param / self.int_scale)
        self.step64 = np.float64(scale_param64) / int_scale
        self.batchnorm = batchnorm
        self.scalar_bias = scalar_bias

    def format(self):
        return {"kind": self.code_kind, "bits": self.bits}

    def codes(self):
        return np.arange(self.min_code, self.max_code + 1, dtype=np.int64)

    def values(self, codes):
        return (codes.astype(F32) * self.step).astype(F32)

    def values64(self, codes):
        return codes.astype(np.float64) * self.step64

    def quotient(self, u):
        return ((u / self.scale_param).astype(F32) * self.int_scale).astype(F32)

    def quantize(self, u):
        return np.rint(np.clip(self.quotient(u), self.min_code, self.max_code)).astype(np.int64)

    def quantize64(self, u64):
        return np.rint(np.clip(u64 / self.step64, self.min_code, self.max_code)).astype(np.int64)

    def quantize_by_step(self, u):
        """Quantize with the single division u / s, for comparison with the Brevitas order."""
        quotient = (u / self.step).astype(F32)
        return np.rint(np.clip(quotient, self.min_code, self.max_code)).astype(np.int64)

    def near_ties(self, u):
        """Return a mask of values within NEAR_TIE_DISTANCE of a rounding tie inside the range."""
        quotient = self.quotient(u).astype(np.float64)
        lower = np.floor(quotient)
        inside = (lower >= self.min_code) & (lower + 1 <= self.max_code)
        return inside & (np.abs(quotient - lower - 0.5) < NEAR_TIE_DISTANCE)

    def quantize_features(self, x):
        """Quantize raw float features (first-layer input quantizer, one column per feature)."""
        u = x.astype(F32)
        if self.batchnorm is not None:
            u = np.stack([self.batchnorm.apply(u[:, i], i) for i in range(u.shape[1])], axis=1)
        if self.scalar_bias is not None:
            u = (u + self.scalar_bias).astype(F32)
        return self.quantize(u)


class Layer:
    def __init__(self, index, weight, bias, mask, fan_in, input_quant, output_quant):
        self.index = index
        self.weight = weight.astype(F32)
        self.bias = bias.astype(F32)
        self.out_features, self.in_features = weight.shape
        self.input_quant = input_quant
        self.output_quant = output_quant
        self.inputs = []
        for neuron in range(self.out_features):
            connected = np.flatnonzero(mask[neuron] != 0)
            if len(connected) != fan_in:
                raise ModelError(f"module_list.{index}.fc.mask.mask: row {neuron} has "
                                     f"{len(connected)} connected inputs, but the architecture "
                                     f"gives fan-in {fan_in}; check arch.json")
            self.inputs.append([int(i) for i in connected])

    def evaluate(self, neuron, input_codes):
        """Return the codes of one neuron for rows of input codes (one column per connected
        input, ascending index order), with float32, float64 and tie diagnostics."""
        weights = self.weight[neuron, self.inputs[neuron]]
        values = self.input_quant.values(input_codes)
        z = (values[:, 0] * weights[0]).astype(F32)
        for j in range(1, len(weights)):
            z = (z + (values[:, j] * weights[j]).astype(F32)).astype(F32)
        z = (z + self.bias[neuron]).astype(F32)
        u = self.output_quant.batchnorm.apply(z, neuron)
        codes = self.output_quant.quantize(u)

        values64 = self.input_quant.values64(input_codes)
        z64 = values64 @ weights.astype(np.float64) + np.float64(self.bias[neuron])
        u64 = self.output_quant.batchnorm.apply64(z64, neuron)
        diagnostics = {
            "float64_mismatches": int(np.count_nonzero(self.output_quant.quantize64(u64) != codes)),
            "step_quotient_mismatches": int(np.count_nonzero(
                self.output_quant.quantize_by_step(u) != codes)),
            "near_ties": int(np.count_nonzero(self.output_quant.near_ties(u))),
        }
        return codes, u, diagnostics


def load_state_dict(path):
    import torch  # used only to unpickle the checkpoint

    checkpoint = torch.load(path, map_location="cpu")
    state_dict = checkpoint["model_dict"] if "model_dict" in checkpoint else checkpoint
    return {key: value.detach().numpy().copy() for key, value in state_dict.items()}


def read_arch(path):
    with open(path, "r", encoding="utf-8") as handle:
        arch = json.load(handle)
    required = ["hidden_layers", "input_length", "output_length", "input_bitwidth", "hidden_bitwidth",
                "output_bitwidth", "input_fanin", "hidden_fanin", "output_fanin"]
    missing = [key for key in required if key not in arch]
    if missing:
        raise ModelError(f"{path}: missing architecture keys {missing}; add them in LogicNets' "
                             "config names")
    return arch


def _scale(state_dict, prefix):
    key = f"{prefix}.{SCALE_KEY}"
    if key not in state_dict:
        raise ModelError(f"state dict: missing '{key}'; check that arch.json matches the checkpoint")
    learned = np.float64(F32(state_dict[key].reshape(())))
    scale64 = max(2.0 ** learned, float(SCALE_MIN))
    return F32(scale64), scale64


def _batchnorm(state_dict, prefix):
    names = ["weight", "bias", "running_mean", "running_var"]
    keys = [f"{prefix}.{name}" for name in names]
    missing = [key for key in keys if key not in state_dict]
    if missing:
        raise ModelError(f"state dict: missing BatchNorm entries {missing}; check that arch.json "
                         "matches the checkpoint")
    return BatchNorm(*(state_dict[key] for key in keys))


def _first_input_quantizer(state_dict, arch):
    override = arch.get("quantizers", {}).get("input")
    if override is None:
        prefix = "module_list.0.input_quant"
        scale, scale64 = _scale(state_dict, prefix)
        bias_key = f"{prefix}.pre_transforms.1.bias"
        if bias_key not in state_dict:
            raise ModelError(f"state dict: missing '{bias_key}'; describe another input quantizer "
                             "under 'quantizers' in arch.json")
        return Quantizer("hardtanh", arch["input_bitwidth"], scale, scale64,
                         _batchnorm(state_dict, f"{prefix}.pre_transforms.0"),
                         F32(state_dict[bias_key].reshape(-1)[0]))

    # A variant input quantizer described in arch.json, for example a 1-bit ReLU with a constant
    # scale and no pre-transforms (the iiot_cybernid model).
    scale_text = str(override.get("scale", ""))
    if not scale_text.startswith("constant"):
        raise ModelError(f"arch.json: input quantizer scale '{scale_text}' is not supported; "
                             "only 'constant <value>' is")
    if str(override.get("pre_transforms", "none")) != "none":
        raise ModelError("arch.json: input quantizer pre_transforms other than 'none' are not "
                             "supported")
    constant = float(scale_text.split()[1])
    return Quantizer(override["kind"], int(override["bits"]), F32(constant), constant)


def build_network(state_dict, arch):
    """Return the list of Layer objects of a LogicNets model.

    LogicNets builds layer 1 with the first-layer branch even when it is also the last layer, so a
    network without hidden layers gets a QuantReLU output with hidden_bitwidth bits and uses
    input_fanin.
    """
    sizes = [arch["input_length"]] + list(arch["hidden_layers"]) + [arch["output_length"]]
    layer_count = len(sizes) - 1
    layers = []
    input_quant = _first_input_quantizer(state_dict, arch)
    for index in range(layer_count):
        prefix = f"module_list.{index}"
        first, last = index == 0, index == layer_count - 1
        out_prefix = f"{prefix}.output_quant"
        scale, scale64 = _scale(state_dict, out_prefix)
        batchnorm = _batchnorm(state_dict, f"{out_prefix}.pre_transforms.0")
        if first or not last:
            output_quant = Quantizer("relu", arch["hidden_bitwidth"], scale, scale64, batchnorm)
            fan_in = arch["input_fanin"] if first else arch["hidden_fanin"]
        else:
            output_quant = Quantizer("hardtanh", arch["output_bitwidth"], scale, scale64, batchnorm)
            fan_in = arch["output_fanin"]

        weight = state_dict.get(f"{prefix}.fc.weight")
        bias = state_dict.get(f"{prefix}.fc.bias")
        mask = state_dict.get(f"{prefix}.fc.mask.mask")
        if weight is None or bias is None or mask is None:
            raise ModelError(f"state dict: missing {prefix}.fc.weight, fc.bias or fc.mask.mask; "
                             "check hidden_layers in arch.json")
        if weight.shape != (sizes[index + 1], sizes[index]) or mask.shape != weight.shape:
            raise ModelError(f"state dict: {prefix}.fc.weight has shape {weight.shape}, "
                                 f"expected {(sizes[index + 1], sizes[index])} from arch.json")
        if not first:
            _check_duplicate_entries(state_dict, index)
        layers.append(Layer(index, weight, bias, mask, fan_in, input_quant, output_quant))
        input_quant = output_quant
    return layers


def _check_duplicate_entries(state_dict, index):
    for key in state_dict:
        head = f"module_list.{index}.input_quant."
        if key.startswith(head):
            twin = f"module_list.{index - 1}.output_quant." + key[len(head):]
            if twin not in state_dict or not np.array_equal(state_dict[key], state_dict[twin]):
                raise ModelError(f"state dict: '{key}' differs from '{twin}'; LogicNets shares "
                                     "the quantizer between the two layers")


def key_fields(key_bits, field_count, bits):
    """Return the bit pattern of each key field (field 0 = most significant) for every key."""
    keys = np.arange(1 << key_bits, dtype=np.int64)
    shifts = bits * (field_count - 1 - np.arange(field_count))
    return (keys[:, None] >> shifts[None, :]) & ((1 << bits) - 1)


def neuron_table(layer, neuron, key_order):
    """Return the codes of a neuron for every key, with inputs in key_order (most significant
    first), and the diagnostics of the enumeration."""
    quant = layer.input_quant
    fan_in = len(key_order)
    patterns = key_fields(fan_in * quant.bits, fan_in, quant.bits)
    codes_by_key_order = table_json.pattern_to_code(quant.code_kind, quant.bits, patterns)
    # The arithmetic always sums in ascending input index order, whatever the key layout.
    columns = [key_order.index(i) for i in layer.inputs[neuron]]
    codes, _, diagnostics = layer.evaluate(neuron, codes_by_key_order[:, columns])
    return codes, diagnostics


def compute_tables(layers, descending=False):
    """Return the table document and summed diagnostics of a network."""
    totals = {"entries": 0, "float64_mismatches": 0, "step_quotient_mismatches": 0, "near_ties": 0}
    document = {"format": table_json.FORMAT_NAME, "format_version": table_json.FORMAT_VERSION,
                "layers": []}
    for layer in layers:
        neurons = []
        for neuron in range(layer.out_features):
            key_order = sorted(layer.inputs[neuron], reverse=descending)
            codes, diagnostics = neuron_table(layer, neuron, key_order)
            totals["entries"] += len(codes)
            for name, count in diagnostics.items():
                totals[name] += count
            neurons.append({"layer": layer.index, "neuron": neuron, "inputs": key_order,
                            "key_bits": len(key_order) * layer.input_quant.bits,
                            "codes": codes.tolist()})
        document["layers"].append({"layer": layer.index, "input_count": layer.in_features,
                                   "input_format": layer.input_quant.format(),
                                   "output_format": layer.output_quant.format(),
                                   "neurons": neurons})
    return document, totals


def run_network(layers, input_codes):
    """Return the codes of every layer for rows of first-layer input codes, computed directly."""
    layer_codes = []
    codes = input_codes
    for layer in layers:
        outputs = np.empty((codes.shape[0], layer.out_features), dtype=np.int64)
        for neuron in range(layer.out_features):
            outputs[:, neuron], _, _ = layer.evaluate(neuron, codes[:, layer.inputs[neuron]])
        layer_codes.append(outputs)
        codes = outputs
    return layer_codes


def lookup_network(document, input_codes):
    """Return the codes of every layer for rows of input codes, by table lookup."""
    layer_codes = []
    codes = input_codes
    for layer in document["layers"]:
        in_format = layer["input_format"]
        outputs = np.empty((codes.shape[0], len(layer["neurons"])), dtype=np.int64)
        for position, neuron in enumerate(layer["neurons"]):
            keys = np.zeros(codes.shape[0], dtype=np.int64)
            for i in neuron["inputs"]:
                pattern = table_json.code_to_pattern(in_format["kind"], in_format["bits"], codes[:, i])
                keys = (keys << in_format["bits"]) | pattern
            outputs[:, position] = np.asarray(neuron["codes"], dtype=np.int64)[keys]
        layer_codes.append(outputs)
        codes = outputs
    return layer_codes


def encode_bus(codes, quant_format):
    """Return LogicNets dump strings: code i in bits [i*b+b-1 : i*b], code 0 rightmost."""
    bits = quant_format["bits"]
    patterns = table_json.code_to_pattern(quant_format["kind"], bits, codes)
    return ["".join(format(int(p), f"0{bits}b") for p in row[::-1]) for row in patterns]


def decode_bus(lines, count, quant_format):
    bits = quant_format["bits"]
    rows = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if len(text) != count * bits or set(text) - {"0", "1"}:
            raise ModelError(f"dataset line {number}: expected {count * bits} binary digits, "
                                 f"got '{text[:40]}'")
        patterns = [int(text[len(text) - (i + 1) * bits:len(text) - i * bits], 2) for i in range(count)]
        rows.append(table_json.pattern_to_code(quant_format["kind"], bits, np.array(patterns)))
    return np.array(rows, dtype=np.int64)


def read_lines(path):
    with open(path, "r", encoding="utf-8") as handle:
        return [line for line in handle.read().splitlines() if line.strip() and not line.startswith("#")]


def print_totals(name, totals):
    print(f"{name}: {totals['entries']} entries, {totals['near_ties']} within {NEAR_TIE_DISTANCE} "
          f"of a rounding tie, {totals['float64_mismatches']} differ in float64, "
          f"{totals['step_quotient_mismatches']} differ when quantized as u / s")


def code_histograms(document):
    lines = []
    for layer in document["layers"]:
        low, high = table_json.code_range(layer["output_format"]["kind"], layer["output_format"]["bits"])
        counts = np.zeros(high - low + 1, dtype=np.int64)
        for neuron in layer["neurons"]:
            counts += np.bincount(np.asarray(neuron["codes"]) - low, minlength=high - low + 1)
        lines.append(f"  layer {layer['layer']} table codes {low}..{high}: {counts.tolist()}")
    return lines


# ---- subcommand: tables ----

def command_tables(args):
    layers = build_network(load_state_dict(args.checkpoint), read_arch(args.arch))
    document, totals = compute_tables(layers, descending=args.input_order == "descending")
    table_json.write(args.out, document)
    print_totals(args.out, totals)
    return 0


# ---- subcommand: zoo ----

def _dataset(layers, seed):
    """Draw DATASET_SIZE random samples: features from the input BatchNorm's running statistics
    (so codes spread the way the quantizer was calibrated), labels uniform over the classes."""
    rng = np.random.RandomState(seed)
    quant = layers[0].input_quant
    if quant.batchnorm is None:
        codes = rng.randint(quant.min_code, quant.max_code + 1, size=(DATASET_SIZE, layers[0].in_features))
    else:
        mean = quant.batchnorm.mean.astype(np.float64)
        deviation = np.sqrt(quant.batchnorm.var.astype(np.float64))
        features = rng.normal(size=(DATASET_SIZE, layers[0].in_features)) * deviation + mean
        codes = quant.quantize_features(features.astype(F32))
    classes = max(layers[-1].out_features, 2)
    labels = rng.randint(0, classes, size=DATASET_SIZE)
    return codes.astype(np.int64), labels


def _write_layer_codes(path, input_codes, layer_codes, labels, layers):
    output_codes = layer_codes[-1]
    predictions = np.argmax(output_codes, axis=1)  # the first maximum, as torch.argmax on CPU
    rows = {
        "input_codes": input_codes.tolist(),
        "layer_codes": [codes.tolist() for codes in layer_codes],
        "output_codes": output_codes.tolist(),
        "output_bus": encode_bus(output_codes, layers[-1].output_quant.format()),
        "label": labels.tolist(),
        "predicted_class": predictions.tolist(),
    }
    parts = []
    for key, value in rows.items():
        if key == "layer_codes":
            inner = ",\n".join("[" + ",\n".join(json.dumps(row) for row in codes) + "]" for codes in value)
            parts.append(f'"{key}": [\n{inner}]')
        elif value and isinstance(value[0], list):
            parts.append(f'"{key}": [\n' + ",\n".join(json.dumps(row) for row in value) + "]")
        else:
            parts.append(f'"{key}": {json.dumps(value)}')
    with open(path, "w", encoding="ascii") as handle:
        handle.write("{\n" + ",\n".join(parts) + "\n}\n")


def command_zoo(args):
    folder = args.folder
    name = os.path.basename(os.path.normpath(folder))
    arch = read_arch(os.path.join(folder, "arch.json"))
    zip_state = load_state_dict(os.path.join(folder, "model_zip.pth"))
    legacy_state = load_state_dict(os.path.join(folder, "model_legacy.pth"))
    if zip_state.keys() != legacy_state.keys() or any(
            not np.array_equal(zip_state[k], legacy_state[k]) for k in zip_state):
        raise ModelError(f"{folder}: model_zip.pth and model_legacy.pth hold different state dicts")
    layers = build_network(zip_state, arch)

    document, totals = compute_tables(layers)
    serialized = table_json.serialize(document)
    json_path = os.path.join(folder, "expected_tables.json")
    digest_path = os.path.join(folder, "expected_tables.sha256")
    for stale in (json_path, digest_path):
        if os.path.exists(stale):
            os.remove(stale)
    if len(serialized) <= TABLE_JSON_LIMIT_BYTES:
        with open(json_path, "wb") as handle:
            handle.write(serialized)
        print(f"{name}: wrote expected_tables.json ({len(serialized)} bytes)")
    else:
        with open(digest_path, "w", encoding="ascii") as handle:
            handle.write(f"{table_json.digest(document)}  expected_tables.json\n")
        print(f"{name}: tables take {len(serialized)} bytes, wrote expected_tables.sha256 instead")
    print_totals(name, totals)
    for line in code_histograms(document):
        print(line)

    input_codes, labels = _dataset(layers, zlib.crc32(name.encode("ascii")))
    layer_codes = run_network(layers, input_codes)
    looked_up = lookup_network(document, input_codes)
    for computed, table_codes in zip(layer_codes, looked_up):
        if not np.array_equal(computed, table_codes):
            raise ModelError(f"{name}: table lookup and direct evaluation disagree")
    with open(os.path.join(folder, "inputs.txt"), "w", encoding="ascii") as handle:
        handle.write("\n".join(encode_bus(input_codes, layers[0].input_quant.format())) + "\n")
    with open(os.path.join(folder, "labels.txt"), "w", encoding="ascii") as handle:
        handle.write("\n".join(str(int(label)) for label in labels) + "\n")
    _write_layer_codes(os.path.join(folder, "expected_layer_codes.json"), input_codes, layer_codes,
                       labels, layers)
    for layer, codes in zip(layers, layer_codes):
        low = layer.output_quant.min_code
        counts = np.bincount((codes - low).ravel(), minlength=layer.output_quant.max_code - low + 1)
        print(f"  layer {layer.index} dataset codes {low}..{layer.output_quant.max_code}: {counts.tolist()}")
    return 0


# ---- subcommand: fixture ----

def _check_jsc_fixture(folder, state_dict, layers, document):
    failures = 0
    with open(os.path.join(folder, "truth_tables.json"), "r", encoding="utf-8") as handle:
        logicnets_tables = json.load(handle)
    ours = {(layer["layer"], neuron["neuron"]): neuron
            for layer in document["layers"] for neuron in layer["neurons"]}
    compared = 0
    for neuron in logicnets_tables:
        mine = ours[(neuron["layer"], neuron["neuron"])]
        if mine["inputs"] != neuron["indices"]:
            print(f"  layer {neuron['layer']} neuron {neuron['neuron']}: inputs {mine['inputs']} "
                  f"!= LogicNets {neuron['indices']}")
            failures += 1
            continue
        in_format = document["layers"][neuron["layer"]]["input_format"]
        for row, expected in zip(neuron["bin_input_perm_matrix"], neuron["bin_output"]):
            key = 0
            for code in row:
                key = (key << in_format["bits"]) | table_json.code_to_pattern(
                    in_format["kind"], in_format["bits"], code)
            compared += 1
            if mine["codes"][key] != expected:
                failures += 1
                if failures <= 10:
                    print(f"  layer {neuron['layer']} neuron {neuron['neuron']} inputs {row}: "
                          f"{mine['codes'][key]} != LogicNets {expected}")
    print(f"truth_tables.json: {compared} entries compared, {failures} differ")

    for split in ("test", "train"):
        codes_path = os.path.join(folder, f"{split}_lut_all_layer_codes.json")
        if not os.path.exists(codes_path):
            continue
        with open(codes_path, "r", encoding="utf-8") as handle:
            expected = json.load(handle)
        input_codes = decode_bus(read_lines(os.path.join(folder, f"{split}_input.txt")),
                                 layers[0].in_features, layers[0].input_quant.format())
        split_failures = int(np.count_nonzero(input_codes != np.array(expected["input_codes"])))
        layer_codes = run_network(layers, input_codes)
        for index, codes in enumerate(layer_codes):
            split_failures += int(np.count_nonzero(codes != np.array(expected["layer_codes"][index])))
        looked_up = lookup_network(document, input_codes)
        split_failures += sum(int(np.count_nonzero(a != b)) for a, b in zip(layer_codes, looked_up))

        # The float output adds the last layer's post-transform (x + bias) * weight.
        last = layers[-1]
        prefix = f"module_list.{last.index}.output_quant.post_transforms.0"
        float_output = ((last.output_quant.values(layer_codes[-1]) + state_dict[prefix + ".bias"][0])
                        .astype(F32) * state_dict[prefix + ".weight"][0]).astype(F32)
        float_error = float(np.max(np.abs(float_output - np.array(expected["float_model_output"]))))

        features_path = os.path.join(folder, f"{split}_features.csv")
        feature_failures = 0
        if os.path.exists(features_path):
            table = np.genfromtxt(features_path, delimiter=",", names=True)
            features = np.stack([table[f"f{i}"] for i in range(layers[0].in_features)], axis=1)
            feature_failures = int(np.count_nonzero(
                layers[0].input_quant.quantize_features(features.astype(F32)) != input_codes))
        print(f"{split}: {len(input_codes)} samples, {split_failures} layer codes differ, "
              f"{feature_failures} input codes from {split}_features.csv differ, "
              f"float output max error {float_error:.3g}")
        failures += split_failures + feature_failures
    return failures


def _check_public_verilog_fixture(folder, layers, document):
    failures = 0
    with open(os.path.join(folder, "truth_tables_from_public_verilog.json"), "r", encoding="utf-8") as handle:
        public = json.load(handle)
    ours = {(layer["layer"], neuron["neuron"]): neuron
            for layer in document["layers"] for neuron in layer["neurons"]}
    compared = 0
    for neuron in public["neurons"]:
        layer = document["layers"][neuron["layer"]]
        mine = ours[(neuron["layer"], neuron["neuron"])]
        order = neuron["indices_from_wire_MSB_first"]
        if mine["inputs"] != order:
            print(f"  layer {neuron['layer']} neuron {neuron['neuron']}: inputs {mine['inputs']} "
                  f"!= public Verilog {order}")
            failures += 1
            continue
        in_bits, out_format = layer["input_format"]["bits"], layer["output_format"]
        out_bits = out_format["bits"]
        fan_in = len(order)
        bits_text = neuron["out_bits_concat"]
        for entry in range(1 << (fan_in * in_bits)):
            # Entry p sets field k (k = 0 is the most significant) to (p >> (in_bits * k)) & mask.
            key = 0
            for field in range(fan_in):
                key = (key << in_bits) | ((entry >> (in_bits * field)) & ((1 << in_bits) - 1))
            expected = int(bits_text[entry * out_bits:(entry + 1) * out_bits], 2)
            got = table_json.code_to_pattern(out_format["kind"], out_bits, mine["codes"][key])
            compared += 1
            if got != expected:
                failures += 1
                if failures <= 10:
                    print(f"  layer {neuron['layer']} neuron {neuron['neuron']} entry {entry}: "
                          f"pattern {got} != public Verilog {expected}")
    print(f"truth_tables_from_public_verilog.json: {compared} entries compared, {failures} differ")

    input_codes = decode_bus(read_lines(os.path.join(folder, "random_input.txt")),
                             layers[0].in_features, layers[0].input_quant.format())
    expected = np.array([int(line) for line in read_lines(os.path.join(folder, "random_lut_output_codes.txt"))])
    layer_codes = run_network(layers, input_codes)
    looked_up = lookup_network(document, input_codes)
    lookup_failures = sum(int(np.count_nonzero(a != b)) for a, b in zip(layer_codes, looked_up))
    output_failures = int(np.count_nonzero(layer_codes[-1][:, 0] != expected))
    print(f"random_input.txt: {len(input_codes)} samples, {output_failures} output codes differ "
          f"from LogicNets, {lookup_failures} table lookups differ from direct evaluation")
    return failures + output_failures + lookup_failures


def command_fixture(args):
    folder = args.folder
    arch = read_arch(os.path.join(folder, "arch.json"))
    public_verilog = os.path.exists(os.path.join(folder, "truth_tables_from_public_verilog.json"))
    checkpoints = [name for name in sorted(os.listdir(folder)) if name.endswith(".pth")]
    failures = 0
    states = [load_state_dict(os.path.join(folder, name)) for name in checkpoints]
    for name, state in zip(checkpoints[1:], states[1:]):
        if state.keys() != states[0].keys() or any(not np.array_equal(state[k], states[0][k]) for k in state):
            print(f"{name}: state dict differs from {checkpoints[0]}")
            failures += 1
    layers = build_network(states[0], arch)
    document, totals = compute_tables(layers, descending=public_verilog)
    print_totals(os.path.basename(os.path.normpath(folder)), totals)
    if public_verilog:
        failures += _check_public_verilog_fixture(folder, layers, document)
    else:
        failures += _check_jsc_fixture(folder, states[0], layers, document)
    print("PASS" if failures == 0 else f"FAIL: {failures} differences")
    return 0 if failures == 0 else 1


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    tables = commands.add_parser("tables", help="write the truth tables of a checkpoint")
    tables.add_argument("--checkpoint", required=True, help="LogicNets .pth file (zip or legacy format)")
    tables.add_argument("--arch", required=True, help="architecture JSON in LogicNets' config keys")
    tables.add_argument("--out", required=True, help="output table JSON")
    tables.add_argument("--input-order", choices=["ascending", "descending"], default="ascending",
                        help="order of each neuron's inputs in the key, most significant first "
                             "(default: ascending, as PyTorch 1.13 orders them)")
    tables.set_defaults(run=command_tables)

    zoo = commands.add_parser("zoo", help="write the expected files of one tests/data/zoo model folder")
    zoo.add_argument("folder")
    zoo.set_defaults(run=command_zoo)

    fixture = commands.add_parser("fixture", help="compare with a folder of LogicNets output")
    fixture.add_argument("folder")
    fixture.set_defaults(run=command_fixture)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ModelError, OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
