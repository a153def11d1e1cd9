#!/usr/bin/python3
"""Build small synthetic PolyLUT and NeuraLUT checkpoints for tests/data/zoo.

Each model is written with plain torch under the repositories' state-dict key names (PolyLUT:
fc.weight of shape (out, T) and no connectivity, which goes to connectivity.json; NeuraLUT: fc1..fc4,
res0, res1 and the imask.imask buffer), in PyTorch's zip container, wrapped like the repositories'
training checkpoints ({'model_dict': ...}). Weights are random, the BatchNorm statistics are
calibrated on the neuron's own table so that codes spread over their range.

Every table is computed twice: with torch operations the way the repositories'
forward_to_fill_luts computes them (a float16 input matrix, pow/prod, (x * w).sum(-1) + b,
F.batch_norm, Brevitas' rounding), and by lut_family_reference.py. The script stops if a single
entry differs, then the reference writes the expected files of each folder.

Usage: /usr/bin/python3 tests/reference/make_lut_family_zoo.py [--out tests/data/zoo] [model ...]
"""

import argparse
import collections
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logicnets_reference as logicnets  # noqa: E402
import lut_family_reference as reference  # noqa: E402

F32 = np.float32
SCALE_KEY = logicnets.SCALE_KEY

MODELS = collections.OrderedDict([
    # Degree 3: 19 monomials, so torch.sum takes its 8-lane path; powf for cubes.
    ("polylut_d3", dict(kind="polylut", degree=3, hidden_layers=[16, 8], input_length=16, output_length=5,
                        input_bitwidth=3, hidden_bitwidth=3, output_bitwidth=3, input_fanin=3,
                        hidden_fanin=3, output_fanin=3, seed=3)),
    # Degree 4 over 2 inputs: a0^3 * a1 rounds twice; 4-bit codes.
    ("polylut_d4f2", dict(kind="polylut", degree=4, hidden_layers=[12], input_length=16, output_length=4,
                          input_bitwidth=4, hidden_bitwidth=4, output_bitwidth=4, input_fanin=2,
                          hidden_fanin=2, output_fanin=2, seed=4)),
    # Width 16: sums of 16 values in two 8-lane vectors; fan-in 5 sums with 4 scalar accumulators.
    ("neuralut_w16", dict(kind="neuralut", width_n=16, hidden_layers=[16], input_length=16, output_length=5,
                          input_bitwidth=2, hidden_bitwidth=3, output_bitwidth=3, input_fanin=5,
                          hidden_fanin=4, output_fanin=4, seed=16)),
    # Width 5: every sum of the sub-network is shorter than a vector and not sequential.
    ("neuralut_w5", dict(kind="neuralut", width_n=5, hidden_layers=[8, 8], input_length=16, output_length=5,
                         input_bitwidth=3, hidden_bitwidth=3, output_bitwidth=3, input_fanin=3,
                         hidden_fanin=3, output_fanin=3, seed=5)),
])
ARCH_KEYS = ["kind", "hidden_layers", "input_bitwidth", "hidden_bitwidth", "output_bitwidth", "input_fanin",
             "hidden_fanin", "output_fanin", "input_length", "output_length", "degree", "width_n"]


def tensor(values, dtype=torch.float32):
    return torch.tensor(np.asarray(values), dtype=dtype)


def quantizer_state(rng, channels, gamma=None, beta=None, mean=None, var=None, scale=2.0):
    state = collections.OrderedDict()
    state[SCALE_KEY] = tensor(F32(np.log2(scale)))
    state["pre_transforms.0.weight"] = tensor(gamma if gamma is not None else rng.uniform(0.7, 1.3, channels))
    state["pre_transforms.0.bias"] = tensor(beta if beta is not None else rng.normal(0, 0.2, channels))
    state["pre_transforms.0.running_mean"] = tensor(mean if mean is not None else rng.normal(0, 0.3, channels))
    state["pre_transforms.0.running_var"] = tensor(var if var is not None else rng.uniform(0.5, 2.0, channels))
    state["pre_transforms.0.num_batches_tracked"] = torch.tensor(1680, dtype=torch.int64)
    return state


def torch_codes(u, scale, bits, signed):
    """Brevitas' IntQuant: round_half_even(clamp((u / scale) * int_scale))."""
    int_scale = float(2 ** (bits - 1) if signed else 2 ** bits - 1)
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    return torch.round(torch.clamp((u / scale) * int_scale, low, high)).to(torch.int64)


def input_matrix(bits, signed, scale, fan_in):
    """The float16 matrix of every key's input values, keys in numeric order (inputs[0] most
    significant), as the repositories' generate_permutation_matrix stores them."""
    int_scale = F32(2 ** (bits - 1) if signed else 2 ** bits - 1)
    step = F32(F32(scale) / int_scale)
    keys = np.arange(1 << (bits * fan_in))
    columns = []
    for k in range(fan_in):
        pattern = (keys >> (bits * (fan_in - 1 - k))) & ((1 << bits) - 1)
        code = pattern - (1 << (bits - 1)) if signed else pattern
        columns.append((code.astype(F32) * step).astype(F32))
    return torch.tensor(np.stack(columns, axis=1)).to(torch.float16)


def polylut_z(x, out, fan_in, degree, weight, bias):
    terms = reference.monomials(fan_in, degree)
    mask = torch.zeros(len(terms), fan_in)
    for t, term in enumerate(terms):
        for k in term:
            mask[t, k] += 1
    x = x.repeat(1, out).reshape(x.shape[0], out, fan_in)
    x = x.unsqueeze(dim=-2).pow(mask).prod(dim=-1)
    return (x * weight).sum(dim=-1) + bias


def neuralut_z(x, out, fan_in, width, p):
    relu = torch.relu

    def linear(v, name):
        return (v * p[name + ".weight"]).sum(dim=-1) + p[name + ".bias"]

    x = x.repeat(1, out).reshape(x.shape[0], out, fan_in)
    x = x.repeat(1, 1, width).reshape(x.size(0), x.size(1) * width, fan_in)
    residual0 = linear(x, "res0")
    x = relu(linear(x, "fc1"))
    x = x.reshape(x.size(0), int(x.size(1) / width), width)
    x = x.repeat(1, 1, width).reshape(x.size(0), x.size(1) * width, width)
    x = relu(linear(x, "fc2") + residual0)
    x = x.reshape(x.size(0), int(x.size(1) / width), width)
    residual1 = linear(x, "res1")
    x = x.repeat(1, 1, width).reshape(x.size(0), x.size(1) * width, width)
    x = relu(linear(x, "fc3"))
    x = x.reshape(x.size(0), int(x.size(1) / width), width)
    return linear(x, "fc4") + residual1


def build(name, config, folder):
    rng = np.random.RandomState(config["seed"])
    torch.manual_seed(config["seed"])
    kind = config["kind"]
    sizes = [config["input_length"]] + config["hidden_layers"] + [config["output_length"]]
    layer_count = len(sizes) - 1
    state = collections.OrderedDict()
    connectivity = []
    torch_tables = []

    input_quant = quantizer_state(rng, sizes[0], scale=rng.uniform(1.6, 2.4))
    input_quant["pre_transforms.1.bias"] = tensor([F32(rng.normal(-0.1, 0.05))])
    in_bits, in_signed = config["input_bitwidth"], True
    in_scale = float(2 ** input_quant[SCALE_KEY].item())

    for index in range(layer_count):
        first, last = index == 0, index == layer_count - 1
        if first:
            fan_in = config["input_fanin"]
        elif last:
            fan_in = config["output_fanin"]
        else:
            fan_in = config["hidden_fanin"]
        out, inputs = sizes[index + 1], sizes[index]
        prefix = f"module_list.{index}."
        imask = np.stack([np.sort(rng.choice(inputs, size=fan_in, replace=False)) for _ in range(out)])
        x = input_matrix(in_bits, in_signed, in_scale, fan_in)

        params = collections.OrderedDict()
        if kind == "polylut":
            terms = len(reference.monomials(fan_in, config["degree"]))
            params["fc.weight"] = tensor(rng.uniform(-1, 1, (out, terms)) * 2 / np.sqrt(terms))
            params["fc.bias"] = tensor(rng.normal(0, 0.1, out))
            z = polylut_z(x, out, fan_in, config["degree"], params["fc.weight"], params["fc.bias"])
            connectivity.append(imask.tolist())
        else:
            w = config["width_n"]
            for block, rows, columns in (("fc1", out * w, fan_in), ("fc2", out * w, w), ("fc3", out * w, w),
                                         ("fc4", out, w), ("res0", out * w, fan_in), ("res1", out, w)):
                params[block + ".weight"] = tensor(rng.uniform(-1, 1, (rows, columns)) * 1.7 / np.sqrt(columns))
                params[block + ".bias"] = tensor(rng.uniform(-1, 1, rows) / np.sqrt(columns))
            params["imask.imask"] = torch.tensor(imask, dtype=torch.int64)
            z = neuralut_z(x, out, fan_in, w, params)
        for key, value in params.items():
            state[prefix + key] = value

        # BatchNorm calibrated on the table's own pre-activations, so codes spread.
        zn = z.numpy().astype(np.float64)
        deviation = zn.std(axis=0) + 1e-3
        relu_output = first or not last
        gamma = rng.uniform(0.7, 1.3, out) * np.where(rng.uniform(size=out) < 0.15, -1, 1)
        beta = rng.uniform(0.2, 0.8, out) if relu_output else rng.normal(0, 0.2, out)
        mean = zn.mean(axis=0) + rng.normal(0, 0.05, out) * deviation
        var = deviation ** 2 * rng.uniform(0.8, 1.25, out)
        scale = rng.uniform(2.0, 3.0) if relu_output else rng.uniform(1.5, 2.5)
        output_quant = quantizer_state(rng, out, gamma, beta, mean, var, scale)
        if last and not first:
            output_quant["post_transforms.0.weight"] = tensor([F32(rng.uniform(1.0, 2.0))])
            output_quant["post_transforms.0.bias"] = tensor([F32(rng.normal(0.3, 0.1))])
        for key, value in (input_quant if first else previous_output).items():
            state[prefix + "input_quant." + key] = value
        for key, value in output_quant.items():
            state[prefix + "output_quant." + key] = value

        u = F.batch_norm(z, output_quant["pre_transforms.0.running_mean"],
                         output_quant["pre_transforms.0.running_var"], output_quant["pre_transforms.0.weight"],
                         output_quant["pre_transforms.0.bias"], training=False, eps=1e-5)
        out_bits = config["hidden_bitwidth"] if relu_output else config["output_bitwidth"]
        scale_param = torch.tensor(2.0) ** output_quant[SCALE_KEY]
        torch_tables.append(torch_codes(u, scale_param, out_bits, not relu_output).numpy())
        previous_output = output_quant
        in_bits, in_signed, in_scale = out_bits, not relu_output, float(scale_param)

    os.makedirs(folder, exist_ok=True)
    torch.save({"model_dict": state, "test_accuracy": 0.0}, os.path.join(folder, "model_zip.pth"))
    arch = {key: config[key] for key in ARCH_KEYS if key in config}
    with open(os.path.join(folder, "arch.json"), "w", encoding="ascii") as handle:
        handle.write(json.dumps(arch, indent=1) + "\n")
    if kind == "polylut":
        with open(os.path.join(folder, "connectivity.json"), "w", encoding="ascii") as handle:
            handle.write(json.dumps({"layers": connectivity}) + "\n")

    document = reference.command_zoo(folder)
    differing = 0
    for layer, table in zip(document["layers"], torch_tables):
        for neuron in layer["neurons"]:
            differing += int(np.count_nonzero(np.asarray(neuron["codes"]) != table[:, neuron["neuron"]]))
    entries = sum(len(n["codes"]) for layer in document["layers"] for n in layer["neurons"])
    print(f"{name}: {entries} entries, {differing} differ between torch and the reference")
    if differing:
        raise SystemExit(f"{name}: the reference disagrees with torch; fix lut_family_reference.py")


def write_sum_cases(path):
    """Random float32 rows of many lengths with torch.sum's result, as bit patterns, for the C++
    test of the summation order (tests/unit/polylut_zoo_test.cpp)."""
    rng = np.random.RandomState(1997)
    cases = []
    for length in list(range(1, 41)) + [63, 64, 65, 130, 257]:
        for _ in range(3):
            row = (rng.standard_normal(length) * np.exp(rng.standard_normal(length) * 3)).astype(F32)
            total = torch.from_numpy(row[None, :]).sum(dim=-1).numpy()[0]
            if total != reference.torch_row_sum(row[None, :])[0]:
                raise SystemExit(f"torch.sum of {length} values differs from the reference's order")
            cases.append({"values": [int(v) for v in row.view(np.uint32)], "sum": int(np.float32(total).view(np.uint32))})
    with open(path, "w", encoding="ascii") as handle:
        handle.write("[\n" + ",\n".join(json.dumps(case) for case in cases) + "\n]\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "zoo"))
    parser.add_argument("models", nargs="*", default=list(MODELS))
    args = parser.parse_args(argv)
    for name in args.models:
        build(name, MODELS[name], os.path.join(args.out, name))
    write_sum_cases(os.path.join(args.out, "torch_sum_cases.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
