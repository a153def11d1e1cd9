#!/usr/bin/python3
"""Write LogicNets checkpoints of benchmark shapes, and random input dumps for them.

The shapes are LogicNets' JSC-S, JSC-M and JSC-L architectures and a stress model with JSC-L's
layer sizes but a 15-bit table key in every layer (fan-in 5 x 3 bits, 16.4 million entries). Each
checkpoint has LogicNets' state-dict key names, random weights, random sparse masks with exactly
fan-in connections per neuron, BatchNorm statistics calibrated on random data and learned log2
scales, as tests/reference/make_logicnets_zoo.py builds them. The weights are not trained, so only
speed can be measured with these models, not accuracy.

Everything is seeded, so a rerun writes the same tensors.

Usage: /usr/bin/python3 bench/make_shaped_checkpoints.py OUT_DIR [--samples N] [model ...]
Writes OUT_DIR/<model>/{arch.json, model.pth, input.txt}.
"""

import argparse
import collections
import json
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True

F32 = np.float32
SCALE_KEY = ("brevitas_module.act_quant_proxy.fused_activation_quant_proxy."
             "tensor_quant.scaling_impl.learned_value")
CALIBRATION_SAMPLES = 4096
INPUT_FEATURES = 16
OUTPUT_CLASSES = 5

# LogicNets' config keys of each benchmark model.
MODELS = collections.OrderedDict([
    ("jsc-s", dict(hidden_layers=[64, 32, 32, 32], input_bitwidth=2, hidden_bitwidth=2, output_bitwidth=2,
                   input_fanin=3, hidden_fanin=3, output_fanin=3, seed=1001)),
    ("jsc-m", dict(hidden_layers=[64, 32, 32, 32], input_bitwidth=3, hidden_bitwidth=3, output_bitwidth=3,
                   input_fanin=4, hidden_fanin=4, output_fanin=4, seed=1002)),
    ("jsc-l", dict(hidden_layers=[32, 64, 192, 192, 16], input_bitwidth=4, hidden_bitwidth=3,
                   output_bitwidth=7, input_fanin=3, hidden_fanin=4, output_fanin=5, seed=1003)),
    ("stress15", dict(hidden_layers=[32, 64, 192, 192, 16], input_bitwidth=3, hidden_bitwidth=3,
                      output_bitwidth=3, input_fanin=5, hidden_fanin=5, output_fanin=5, seed=1015)),
])
ARCH_KEYS = ["hidden_layers", "input_bitwidth", "hidden_bitwidth", "output_bitwidth", "input_fanin",
             "hidden_fanin", "output_fanin", "input_length", "output_length"]


def quantize_values(u, scale, bits, signed):
    step = F32(scale / F32(2 ** (bits - 1) if signed else 2 ** bits - 1))
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    codes = np.rint(np.clip((u / step).astype(F32), low, high))
    return (codes * step).astype(F32)


def batchnorm_stats(rng, z, relu_output):
    """Return BatchNorm tensors whose running statistics are close to those of z."""
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


def batchnorm_entries(gamma, beta, mean, var):
    batches = torch.tensor(1680, dtype=torch.int64)
    return [("pre_transforms.0.weight", gamma), ("pre_transforms.0.bias", beta),
            ("pre_transforms.0.running_mean", mean), ("pre_transforms.0.running_var", var),
            ("pre_transforms.0.num_batches_tracked", batches)]


def make_state_dict(arch, rng):
    """Return a LogicNets-shaped state dict with calibrated BatchNorm statistics."""
    sizes = [arch["input_length"]] + arch["hidden_layers"] + [arch["output_length"]]
    layer_count = len(sizes) - 1
    state = collections.OrderedDict()

    features = (rng.normal(size=(CALIBRATION_SAMPLES, sizes[0])) * rng.uniform(0.5, 2.0, size=sizes[0])
                + rng.normal(scale=0.5, size=sizes[0]))
    gamma, beta, mean, var = batchnorm_stats(rng, features, relu_output=False)
    scalar_bias = torch.tensor([F32(rng.normal(-0.1, 0.05))])
    input_quant = collections.OrderedDict([(SCALE_KEY, log2_scale(rng.uniform(1.6, 2.4)))]
                                          + batchnorm_entries(gamma, beta, mean, var)
                                          + [("pre_transforms.1.bias", scalar_bias)])
    u = apply_batchnorm(features, gamma, beta, mean, var) + scalar_bias.numpy()[0]
    values = quantize_values(u, F32(2 ** input_quant[SCALE_KEY].item()), arch["input_bitwidth"], True)

    for index in range(layer_count):
        first, last = index == 0, index == layer_count - 1
        relu_output = first or not last
        fan_in = arch["input_fanin"] if first else arch["output_fanin"] if last else arch["hidden_fanin"]
        out_features, in_features = sizes[index + 1], sizes[index]

        weight = rng.normal(size=(out_features, in_features)) / np.sqrt(fan_in)
        mask = np.zeros((out_features, in_features), dtype=F32)
        for neuron in range(out_features):
            mask[neuron, rng.choice(in_features, size=fan_in, replace=False)] = 1
        bias = rng.normal(scale=0.1, size=out_features)
        z = values @ (weight * mask).T.astype(F32) + bias.astype(F32)

        gamma, beta, mean, var = batchnorm_stats(rng, z, relu_output)
        bits = arch["hidden_bitwidth"] if relu_output else arch["output_bitwidth"]
        scale = rng.uniform(2.0, 3.0) if relu_output else rng.uniform(1.5, 2.5)
        output_quant = collections.OrderedDict([(SCALE_KEY, log2_scale(scale))]
                                               + batchnorm_entries(gamma, beta, mean, var))
        if last and not first:
            output_quant["post_transforms.0.weight"] = torch.tensor([F32(rng.uniform(1.0, 2.0))])
            output_quant["post_transforms.0.bias"] = torch.tensor([F32(rng.normal(0.3, 0.1))])

        # Layer i's input quantizer is layer i-1's output quantizer, the same tensors.
        prefix = f"module_list.{index}"
        for key, tensor in input_quant.items():
            state[f"{prefix}.input_quant.{key}"] = tensor
        state[f"{prefix}.fc.weight"] = torch.tensor(weight.astype(F32))
        state[f"{prefix}.fc.bias"] = torch.tensor(bias.astype(F32))
        state[f"{prefix}.fc.mask.mask"] = torch.tensor(mask)
        for key, tensor in output_quant.items():
            state[f"{prefix}.output_quant.{key}"] = tensor

        u = apply_batchnorm(z, gamma, beta, mean, var)
        values = quantize_values(u, F32(2 ** output_quant[SCALE_KEY].item()), bits, not relu_output)
        input_quant = output_quant
    return state


def write_input_dump(path, arch, samples, rng):
    """Write `samples` lines of random input codes, input_length x input_bitwidth binary digits."""
    width = arch["input_length"] * arch["input_bitwidth"]
    bits = rng.randint(0, 2, size=(samples, width), dtype=np.uint8)
    rows = (bits + ord("0")).astype(np.uint8)
    newline = np.full((samples, 1), ord("\n"), dtype=np.uint8)
    with open(path, "wb") as handle:
        handle.write(np.hstack([rows, newline]).tobytes())


def write_model(folder, spec, samples):
    arch = {key: spec[key] for key in ARCH_KEYS if key in spec}
    arch["input_length"] = INPUT_FEATURES
    arch["output_length"] = OUTPUT_CLASSES
    rng = np.random.RandomState(spec["seed"])
    torch.manual_seed(spec["seed"])
    state = make_state_dict(arch, rng)

    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "arch.json"), "w", encoding="ascii") as handle:
        json.dump(arch, handle, indent=1)
        handle.write("\n")
    torch.save({"model_dict": state, "val_accuracy": 0.0, "test_accuracy": 0.0, "epoch": 0},
               os.path.join(folder, "model.pth"))
    write_input_dump(os.path.join(folder, "input.txt"), arch, samples, rng)


def main(argv):
    parser = argparse.ArgumentParser(description="Write the benchmark checkpoints and input dumps.")
    parser.add_argument("out", help="output folder; one subfolder per model")
    parser.add_argument("--samples", type=int, default=100000, help="input dump lines per model")
    parser.add_argument("models", nargs="*", help=f"models to write (default: all of {list(MODELS)})")
    args = parser.parse_args(argv)
    names = args.models or list(MODELS)
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {list(MODELS)}")

    for name in names:
        write_model(os.path.join(args.out, name), MODELS[name], args.samples)
        print(f"{name}: {os.path.join(args.out, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
