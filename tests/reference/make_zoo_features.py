#!/usr/bin/python3
"""Write float feature CSVs for zoo models and the dumps the input quantizer must make of them.

For each model folder of tests/data/zoo given on the command line (default: w3, mixed437,
wide64) it writes, with the arithmetic of logicnets_reference.py (BatchNorm with a float32 FMA,
then the scalar bias, then round_half_even(clamp(float32(u / scale_param) * int_scale))):

  features.csv, features_input.txt, features_output.txt
      FEATURE_SAMPLES rows drawn from the input BatchNorm's running statistics, spread 1.5 times
      wider so that some values clip, with random labels, and their LogicNets dump.
  boundary_features.csv, boundary_input.txt
      rows whose feature values lie exactly on a code boundary (the smallest float32 with the next
      code) or one float32 step below it, and their dump.
  features_expected.json
      the narrowest signed fixed-point format s<bits>.<fraction bits> (fewest bits, then fewest
      fraction bits, bits <= 25 so that every fixed-point value is a float32) whose values, rounded
      half to even and saturated, quantize to the same codes as the float features on every row.

Values are written with repr() of the float32 value as a double, so they read back exactly.
"""

import json
import os
import sys
import zlib

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logicnets_reference as reference  # noqa: E402

F32 = np.float32
FEATURE_SAMPLES = 100
SPREAD = 1.5
MAX_EXACT_BITS = 25
DEFAULT_MODELS = ["w3", "mixed437", "wide64"]


def ordered_key(values):
    bits = values.astype(F32).view(np.int32).astype(np.int64)
    return np.where(bits >= 0, bits, -(bits & 0x7FFFFFFF))


def from_key(keys):
    keys = np.asarray(keys, dtype=np.int64)
    bits = np.where(keys >= 0, keys, (-keys) | 0x80000000).astype(np.uint32)
    return bits.view(F32)


def feature_codes(quant, feature, values):
    """Codes of one feature column, through the whole float32 input quantizer."""
    columns = np.zeros((len(values), feature + 1), dtype=F32)
    columns[:, feature] = values
    return quant.quantize_features(columns)[:, feature]


def code_boundaries(quant, feature):
    """The smallest finite float32 at which each new code starts, in ascending order of value."""
    low_key, high_key = ordered_key(np.array([-np.finfo(F32).max, np.finfo(F32).max]))
    ends = feature_codes(quant, feature, from_key([low_key, high_key]))
    boundaries = []
    if ends[0] == ends[1]:
        return boundaries
    rising = ends[1] > ends[0]
    for code in range(quant.min_code, quant.max_code + 1):
        def reached(keys):
            codes = feature_codes(quant, feature, from_key(keys))
            return codes >= code if rising else codes <= code
        if reached([low_key])[0] or not reached([high_key])[0]:
            continue
        low, high = low_key, high_key
        while high - low > 1:
            middle = low + (high - low) // 2
            if reached([middle])[0]:
                high = middle
            else:
                low = middle
        boundaries.append(from_key([high])[0])
    return sorted(set(boundaries))


def write_csv(path, features, labels):
    count = features.shape[1]
    lines = [",".join([f"f{i}" for i in range(count)] + ["label"])]
    for row, label in zip(features, labels):
        lines.append(",".join([repr(float(value)) for value in row] + [str(int(label))]))
    with open(path, "w", encoding="ascii") as handle:
        handle.write("\n".join(lines) + "\n")


def write_dump(path, codes, quant):
    with open(path, "w", encoding="ascii") as handle:
        handle.write("\n".join(reference.encode_bus(codes, quant.format())) + "\n")


def narrowest_format(quant, features, codes):
    for bits in range(2, MAX_EXACT_BITS + 1):
        for fraction_bits in range(bits):
            scale = 2.0 ** fraction_bits
            raw = np.clip(np.rint(features.astype(np.float64) * scale), -2 ** (bits - 1), 2 ** (bits - 1) - 1)
            fixed = (raw / scale).astype(F32)
            if np.array_equal(quant.quantize_features(fixed), codes):
                return f"s{bits}.{fraction_bits}"
    return None


def make_model(folder):
    name = os.path.basename(os.path.normpath(folder))
    arch = reference.read_arch(os.path.join(folder, "arch.json"))
    layers = reference.build_network(reference.load_state_dict(os.path.join(folder, "model_zip.pth")), arch)
    quant = layers[0].input_quant
    count = layers[0].in_features
    classes = max(layers[-1].out_features, 2)
    rng = np.random.RandomState(zlib.crc32(f"{name} features".encode("ascii")))

    mean = quant.batchnorm.mean.astype(np.float64)
    deviation = np.sqrt(quant.batchnorm.var.astype(np.float64))
    features = (rng.normal(size=(FEATURE_SAMPLES, count)) * deviation * SPREAD + mean).astype(F32)
    labels = rng.randint(0, classes, size=FEATURE_SAMPLES)
    codes = quant.quantize_features(features)
    write_csv(os.path.join(folder, "features.csv"), features, labels)
    write_dump(os.path.join(folder, "features_input.txt"), codes, quant)
    with open(os.path.join(folder, "features_output.txt"), "w", encoding="ascii") as handle:
        handle.write("\n".join(str(int(label)) for label in labels) + "\n")

    # Row 2j contains every feature's j-th boundary, row 2j+1 the float32 just below it.
    boundaries = [code_boundaries(quant, feature) for feature in range(count)]
    rows = max(len(b) for b in boundaries)
    boundary_features = np.zeros((2 * rows, count), dtype=F32)
    for feature, values in enumerate(boundaries):
        for j in range(rows):
            value = values[min(j, len(values) - 1)] if values else F32(0)
            boundary_features[2 * j, feature] = value
            boundary_features[2 * j + 1, feature] = np.nextafter(value, F32(-np.inf))
    boundary_labels = np.zeros(2 * rows, dtype=np.int64)
    boundary_codes = quant.quantize_features(boundary_features)
    write_csv(os.path.join(folder, "boundary_features.csv"), boundary_features, boundary_labels)
    write_dump(os.path.join(folder, "boundary_input.txt"), boundary_codes, quant)

    expected = {"narrowest_exact_format": narrowest_format(quant, features, codes),
                "reversed_features": [i for i in range(count) if quant.batchnorm.weight[i] < 0]}
    with open(os.path.join(folder, "features_expected.json"), "w", encoding="ascii") as handle:
        handle.write(json.dumps(expected, indent=1) + "\n")
    clipped = int(np.sum((codes == quant.min_code) | (codes == quant.max_code)))
    print(f"{name}: {FEATURE_SAMPLES} samples, {clipped} values at the end codes, {2 * rows} boundary rows, "
          f"narrowest exact format {expected['narrowest_exact_format']}, "
          f"{len(expected['reversed_features'])} reversed features")


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "zoo")
    # Bisection evaluates the quantizer at +-FLT_MAX, where float32 overflow to infinity is intended.
    with np.errstate(over="ignore", invalid="ignore"):
        for name in argv or DEFAULT_MODELS:
            make_model(os.path.join(root, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
