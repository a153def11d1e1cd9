#!/usr/bin/python3
"""Compare two truth-table files in the lutgen table JSON format, entry by entry.

Usage: check_tables.py [--max-differences N] EXPECTED ACTUAL

EXPECTED is a table JSON file, or a .sha256 file holding the SHA-256 of the canonical serialization
of the expected tables (see table_json.serialize). With a digest only equality can be checked; to see
the differing entries, write the expected tables with
`logicnets_reference.py tables --checkpoint ... --arch ... --out FILE` and compare with that file.

Exit status: 0 when the tables are equal, 1 when they differ, 2 when a file cannot be read.
"""

import argparse
import os
import sys

# Keep the source tree free of __pycache__ when tests run these scripts.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_json  # noqa: E402


def compare(expected, actual, max_differences):
    """Return the list of difference messages (at most max_differences of them, plus a count)."""
    messages = []
    total = 0

    def report(text):
        nonlocal total
        total += 1
        if len(messages) < max_differences:
            messages.append(text)

    expected_layers, actual_layers = expected["layers"], actual["layers"]
    if len(expected_layers) != len(actual_layers):
        report(f"layer count: expected {len(expected_layers)}, got {len(actual_layers)}")
    for expected_layer, actual_layer in zip(expected_layers, actual_layers):
        name = f"layer {expected_layer['layer']}"
        for field in ("layer", "input_count", "input_format", "output_format"):
            if expected_layer[field] != actual_layer.get(field):
                report(f"{name}: {field}: expected {expected_layer[field]}, got {actual_layer.get(field)}")
        expected_neurons, actual_neurons = expected_layer["neurons"], actual_layer.get("neurons", [])
        if len(expected_neurons) != len(actual_neurons):
            report(f"{name}: neuron count: expected {len(expected_neurons)}, got {len(actual_neurons)}")
        for expected_neuron, actual_neuron in zip(expected_neurons, actual_neurons):
            label = f"{name} neuron {expected_neuron['neuron']}"
            header_differs = False
            for field in ("layer", "neuron", "inputs", "key_bits"):
                if expected_neuron[field] != actual_neuron.get(field):
                    report(f"{label}: {field}: expected {expected_neuron[field]}, got {actual_neuron.get(field)}")
                    header_differs = True
            expected_codes, actual_codes = expected_neuron["codes"], actual_neuron.get("codes", [])
            if len(expected_codes) != len(actual_codes):
                report(f"{label}: entry count: expected {len(expected_codes)}, got {len(actual_codes)}")
                continue
            if header_differs:
                continue
            for key, (want, got) in enumerate(zip(expected_codes, actual_codes)):
                if want != got:
                    bits = expected_neuron["key_bits"]
                    report(f"{label} key {key:0{bits}b} (inputs {expected_neuron['inputs']}): "
                           f"expected code {want}, got {got}")
    if total > len(messages):
        messages.append(f"... and {total - len(messages)} more differences")
    return messages, total


def main(argv):
    parser = argparse.ArgumentParser(description="Compare two lutgen table files entry by entry.")
    parser.add_argument("expected", help="expected tables (.json) or their digest (.sha256)")
    parser.add_argument("actual", help="tables to check (.json)")
    parser.add_argument("--max-differences", type=int, default=20,
                        help="number of differences to print (default: 20)")
    args = parser.parse_args(argv)

    try:
        actual = table_json.read(args.actual)
        if args.expected.endswith(".sha256"):
            with open(args.expected, "r", encoding="ascii") as handle:
                expected_digest = handle.read().split()[0]
            actual_digest = table_json.digest(actual)
            if actual_digest != expected_digest:
                print(f"{args.actual}: SHA-256 of the canonical tables is {actual_digest}, expected "
                      f"{expected_digest} from {args.expected}; write the expected tables with "
                      "logicnets_reference.py tables and compare with them to see the differing entries")
                return 1
            entries = sum(len(n["codes"]) for layer in actual["layers"] for n in layer["neurons"])
            print(f"{args.actual}: {entries} entries match the digest in {args.expected}")
            return 0
        expected = table_json.read(args.expected)
    except (OSError, ValueError, KeyError, IndexError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    try:
        messages, total = compare(expected, actual, args.max_differences)
    except (KeyError, TypeError) as error:
        print(f"error: {args.actual}: malformed table entry: {error}", file=sys.stderr)
        return 2
    for message in messages:
        print(message)
    entries = sum(len(n["codes"]) for layer in expected["layers"] for n in layer["neurons"])
    if total:
        print(f"{args.actual}: {total} differences from {args.expected}")
        return 1
    print(f"{args.actual}: all {entries} entries match {args.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
