#!/usr/bin/python3
"""Independent numpy reference for PolyLUT and NeuraLUT truth tables.

Computes every neuron's table from the state dict alone, in float32 and in the operation order of
the repositories' forward_to_fill_luts, as described in docs/ of the fixtures:

- table input values a_k = float16(code_k * step) (float32 product, then round to float16);
- PolyLUT: m_t = prod_k a_k ** e_tk (powf, multiplied in input order), z = sum(w * m) + bias;
- NeuraLUT: the per-neuron dense network with two linear skip connections;
- sums are torch.sum over the last dimension, whose order (PyTorch 1.13, AVX2) torch_row_sum
  reproduces; BatchNorm and the quantizers are LogicNets' (logicnets_reference.py).

Usage:
  lut_family_reference.py tables --kind polylut|neuralut --checkpoint CKPT --arch ARCH
                                 [--connectivity FILE] [--degree D] --out TABLES.json
  lut_family_reference.py zoo FOLDER        # writes the expected files of one zoo folder
"""

import argparse
import itertools
import json
import os
import sys
import zlib

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logicnets_reference as logicnets  # noqa: E402
import table_json  # noqa: E402

F32 = np.float32
LANES = 8       # float32 lanes of an AVX2 vector
ILP = 4         # accumulators of PyTorch's row_sum
LEVELS = 4      # cascade levels of PyTorch's multi_row_sum


def _ceil_log2(value):
    return 0 if value <= 1 else int(value - 1).bit_length()


def _multi_row_sum(load, size, zero):
    """PyTorch's multi_row_sum: ILP interleaved accumulators in a cascade of LEVELS levels."""
    level_power = max(4, _ceil_log2(size) // LEVELS)
    level_step = 1 << level_power
    level_mask = level_step - 1
    acc = [[zero.copy() for _ in range(ILP)] for _ in range(LEVELS)]
    i = 0
    while i + level_step <= size:
        for _ in range(level_step):
            for k in range(ILP):
                acc[0][k] = (acc[0][k] + load(i, k)).astype(F32)
            i += 1
        for j in range(1, LEVELS):
            for k in range(ILP):
                acc[j][k] = (acc[j][k] + acc[j - 1][k]).astype(F32)
                acc[j - 1][k] = zero.copy()
            if i & (level_mask << (j * level_power)):
                break
    while i < size:
        for k in range(ILP):
            acc[0][k] = (acc[0][k] + load(i, k)).astype(F32)
        i += 1
    for j in range(1, LEVELS):
        for k in range(ILP):
            acc[0][k] = (acc[0][k] + acc[j][k]).astype(F32)
    return acc[0]


def _row_sum(element, size, zero):
    size_ilp = size // ILP
    if size_ilp:
        partial = _multi_row_sum(lambda i, k: element(i * ILP + k), size_ilp, zero)
    else:
        partial = [zero.copy() for _ in range(ILP)]
    for i in range(size_ilp * ILP, size):
        partial[0] = (partial[0] + element(i)).astype(F32)
    for k in range(1, ILP):
        partial[0] = (partial[0] + partial[k]).astype(F32)
    return partial[0]


def torch_row_sum(x):
    """torch.sum(x, dim=-1) for a float32 array of shape (rows, n), in PyTorch's order."""
    x = np.ascontiguousarray(x, dtype=F32)
    rows, n = x.shape
    if n < LANES:
        return _row_sum(lambda i: x[:, i], n, np.zeros(rows, F32))
    vectors = n // LANES
    lanes = _row_sum(lambda i: x[:, i * LANES:(i + 1) * LANES], vectors, np.zeros((rows, LANES), F32))
    total = np.zeros(rows, F32)
    for i in range(vectors * LANES, n):
        total = (total + x[:, i]).astype(F32)
    for lane in range(LANES):
        total = (total + lanes[:, lane]).astype(F32)
    return total


def float16_values(quant, codes):
    return quant.values(codes).astype(np.float16).astype(F32)


def monomials(fan_in, degree):
    return [term for d in range(1, degree + 1)
            for term in itertools.combinations_with_replacement(range(fan_in), d)]


def degree_from_terms(fan_in, terms):
    for degree in range(1, 17):
        if len(monomials(fan_in, degree)) == terms:
            return degree
    raise logicnets.ModelError(f"{terms} polynomial weights fit no degree for fan-in {fan_in}")


class PolyLayer:
    def __init__(self, index, state_dict, inputs, degree, input_quant, output_quant):
        self.index = index
        self.inputs = inputs
        self.fan_in = len(inputs[0])
        self.weight = state_dict[f"module_list.{index}.fc.weight"].astype(F32)
        self.bias = state_dict[f"module_list.{index}.fc.bias"].astype(F32)
        self.out_features = self.weight.shape[0]
        self.degree = degree or degree_from_terms(self.fan_in, self.weight.shape[1])
        exponents = np.zeros((len(monomials(self.fan_in, self.degree)), self.fan_in), dtype=F32)
        for t, term in enumerate(monomials(self.fan_in, self.degree)):
            for k in term:
                exponents[t, k] += 1
        if exponents.shape[0] != self.weight.shape[1]:
            raise logicnets.ModelError(f"layer {index}: {self.weight.shape[1]} weights, expected "
                                       f"{exponents.shape[0]} monomials")
        self.exponents = exponents
        self.input_quant = input_quant
        self.output_quant = output_quant

    def z(self, neuron, input_codes):
        a = float16_values(self.input_quant, input_codes)
        m = np.ones((a.shape[0], self.exponents.shape[0]), dtype=F32)
        for k in range(self.fan_in):
            m = (m * np.power(a[:, k:k + 1], self.exponents[:, k][None, :])).astype(F32)
        return (torch_row_sum((m * self.weight[neuron]).astype(F32)) + self.bias[neuron]).astype(F32)

    def evaluate(self, neuron, input_codes):
        u = self.output_quant.batchnorm.apply(self.z(neuron, input_codes), neuron)
        return self.output_quant.quantize(u)


def _dense(x, weight, bias):
    """SparseLinear per neuron: torch.sum(x * weight_row) + bias for every row of weight."""
    return np.stack([(torch_row_sum((x * weight[j]).astype(F32)) + bias[j]).astype(F32)
                     for j in range(weight.shape[0])], axis=1)


class NeuraLayer:
    def __init__(self, index, state_dict, input_quant, output_quant):
        prefix = f"module_list.{index}."
        self.index = index
        self.inputs = [[int(i) for i in row] for row in state_dict[prefix + "imask.imask"]]
        self.fan_in = len(self.inputs[0])
        self.params = {name: (state_dict[prefix + name + ".weight"].astype(F32),
                              state_dict[prefix + name + ".bias"].astype(F32))
                       for name in ("fc1", "fc2", "fc3", "fc4", "res0", "res1")}
        self.out_features, self.width = self.params["fc4"][0].shape
        self.input_quant = input_quant
        self.output_quant = output_quant

    def _block(self, name, neuron, rows_per_neuron):
        weight, bias = self.params[name]
        rows = slice(neuron * rows_per_neuron, (neuron + 1) * rows_per_neuron)
        return weight[rows], bias[rows]

    def z(self, neuron, input_codes):
        w = self.width
        a = float16_values(self.input_quant, input_codes)
        relu = lambda v: np.maximum(v, F32(0)).astype(F32)  # noqa: E731
        h1 = relu(_dense(a, *self._block("fc1", neuron, w)))
        skip0 = _dense(a, *self._block("res0", neuron, w))
        h2 = relu((_dense(h1, *self._block("fc2", neuron, w)) + skip0).astype(F32))
        h3 = relu(_dense(h2, *self._block("fc3", neuron, w)))
        skip1 = _dense(h2, *self._block("res1", neuron, 1))[:, 0]
        return (_dense(h3, *self._block("fc4", neuron, 1))[:, 0] + skip1).astype(F32)

    def evaluate(self, neuron, input_codes):
        u = self.output_quant.batchnorm.apply(self.z(neuron, input_codes), neuron)
        return self.output_quant.quantize(u)


def build_network(kind, state_dict, arch, connectivity=None, degree=None):
    """Return the layers of a PolyLUT or NeuraLUT model (LogicNets' quantizer rules)."""
    suffix = "fc.weight" if kind == "polylut" else "fc4.weight"
    layer_count = 0
    while f"module_list.{layer_count}.{suffix}" in state_dict:
        layer_count += 1
    if layer_count != len(arch["hidden_layers"]) + 1:
        raise logicnets.ModelError(f"{layer_count} layers in the checkpoint, "
                                   f"{len(arch['hidden_layers']) + 1} in the architecture")
    input_quant = logicnets._first_input_quantizer(state_dict, arch)
    layers = []
    for index in range(layer_count):
        first, last = index == 0, index == layer_count - 1
        out_prefix = f"module_list.{index}.output_quant"
        scale, scale64 = logicnets._scale(state_dict, out_prefix)
        batchnorm = logicnets._batchnorm(state_dict, f"{out_prefix}.pre_transforms.0")
        if first or not last:
            output_quant = logicnets.Quantizer("relu", arch["hidden_bitwidth"], scale, scale64, batchnorm)
        else:
            output_quant = logicnets.Quantizer("hardtanh", arch["output_bitwidth"], scale, scale64, batchnorm)
        if kind == "polylut":
            layer = PolyLayer(index, state_dict, connectivity[index], degree, input_quant, output_quant)
        else:
            layer = NeuraLayer(index, state_dict, input_quant, output_quant)
        layer.in_features = arch["input_length"] if first else layers[-1].out_features
        layers.append(layer)
        input_quant = output_quant
    return layers


def key_codes(layer):
    """Input codes of every key in numeric order: field k (inputs[k]) from the most significant."""
    quant = layer.input_quant
    bits = quant.bits
    keys = np.arange(1 << (bits * layer.fan_in), dtype=np.int64)
    columns = [(keys >> (bits * (layer.fan_in - 1 - k))) & ((1 << bits) - 1) for k in range(layer.fan_in)]
    return np.stack([table_json.pattern_to_code(quant.code_kind, bits, c) for c in columns], axis=1)


def compute_tables(layers):
    document = {"format": table_json.FORMAT_NAME, "format_version": table_json.FORMAT_VERSION, "layers": []}
    for layer in layers:
        codes = key_codes(layer)
        neurons = [{"layer": layer.index, "neuron": n, "inputs": layer.inputs[n],
                    "key_bits": layer.input_quant.bits * layer.fan_in,
                    "codes": layer.evaluate(n, codes).tolist()} for n in range(layer.out_features)]
        document["layers"].append({"layer": layer.index, "input_count": layer.in_features,
                                   "input_format": layer.input_quant.format(),
                                   "output_format": layer.output_quant.format(), "neurons": neurons})
    return document


def run_network(layers, input_codes):
    """Every layer's codes for rows of input codes, evaluated directly (not through tables)."""
    layer_codes, codes = [], input_codes
    for layer in layers:
        outputs = np.stack([layer.evaluate(n, codes[:, layer.inputs[n]]) for n in range(layer.out_features)],
                           axis=1)
        layer_codes.append(outputs)
        codes = outputs
    return layer_codes


def read_folder(folder):
    arch = logicnets.read_arch(os.path.join(folder, "arch.json"))
    kind = arch["kind"]
    state_dict = logicnets.load_state_dict(os.path.join(folder, "model_zip.pth"))
    connectivity = None
    if kind == "polylut":
        with open(os.path.join(folder, "connectivity.json"), encoding="utf-8") as handle:
            connectivity = json.load(handle)["layers"]
    return build_network(kind, state_dict, arch, connectivity, arch.get("degree"))


def command_zoo(folder):
    name = os.path.basename(os.path.normpath(folder))
    layers = read_folder(folder)
    document = compute_tables(layers)
    table_json.write(os.path.join(folder, "expected_tables.json"), document)
    for line in logicnets.code_histograms(document):
        print(f"{name}:{line}")

    rng = np.random.RandomState(zlib.crc32(name.encode("ascii")))
    quant = layers[0].input_quant
    mean = quant.batchnorm.mean.astype(np.float64)
    deviation = np.sqrt(quant.batchnorm.var.astype(np.float64))
    features = rng.normal(size=(logicnets.DATASET_SIZE, layers[0].in_features)) * deviation + mean
    input_codes = quant.quantize_features(features.astype(F32)).astype(np.int64)
    labels = rng.randint(0, max(layers[-1].out_features, 2), size=logicnets.DATASET_SIZE)
    layer_codes = run_network(layers, input_codes)
    if any(not np.array_equal(a, b) for a, b in zip(layer_codes, logicnets.lookup_network(document, input_codes))):
        raise logicnets.ModelError(f"{name}: table lookup and direct evaluation disagree")
    with open(os.path.join(folder, "inputs.txt"), "w", encoding="ascii") as handle:
        handle.write("\n".join(logicnets.encode_bus(input_codes, quant.format())) + "\n")
    with open(os.path.join(folder, "labels.txt"), "w", encoding="ascii") as handle:
        handle.write("\n".join(str(int(label)) for label in labels) + "\n")
    logicnets._write_layer_codes(os.path.join(folder, "expected_layer_codes.json"), input_codes, layer_codes,
                                 labels, layers)
    return document


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    tables = commands.add_parser("tables")
    tables.add_argument("--kind", choices=["polylut", "neuralut"], required=True)
    tables.add_argument("--checkpoint", required=True)
    tables.add_argument("--arch", required=True)
    tables.add_argument("--connectivity")
    tables.add_argument("--degree", type=int)
    tables.add_argument("--out", required=True)
    zoo = commands.add_parser("zoo")
    zoo.add_argument("folder")
    args = parser.parse_args(argv)

    if args.command == "zoo":
        command_zoo(args.folder)
        return 0
    connectivity = None
    if args.kind == "polylut":
        with open(args.connectivity, encoding="utf-8") as handle:
            connectivity = json.load(handle)["layers"]
    layers = build_network(args.kind, logicnets.load_state_dict(args.checkpoint),
                           logicnets.read_arch(args.arch), connectivity, args.degree)
    table_json.write(args.out, compute_tables(layers))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
