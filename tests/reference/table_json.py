"""Read and write truth tables in the lutgen table JSON format.

The format is the one `lutgen tables` writes:

    {"format": "lutgen-tables", "format_version": 1, "layers": [
      {"layer": L, "input_count": N,
       "input_format": {"kind": "signed" | "unsigned" | "binary", "bits": b},
       "output_format": {...},
       "neurons": [{"layer": L, "neuron": n, "inputs": [i0, i1, ...], "key_bits": K,
                    "codes": [code of key 0, code of key 1, ..., code of key 2^K - 1]}]}]}

A key concatenates the inputs' bit patterns with inputs[0] in the most significant bits. Signed
codes are offset binary (code + 2^(b-1)), unsigned codes plain binary, and binary codes map
-1 to 0 and +1 to 1.
"""

import hashlib
import json

FORMAT_NAME = "lutgen-tables"
FORMAT_VERSION = 1


def code_range(kind, bits):
    """Return the smallest and the largest code of a code format."""
    if kind == "signed":
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if kind == "unsigned":
        return 0, (1 << bits) - 1
    if kind == "binary":
        return -1, 1
    raise ValueError(f"unknown code kind '{kind}'; expected signed, unsigned or binary")


def code_to_pattern(kind, bits, code):
    """Return the bit pattern of a code (an int or a numpy integer array)."""
    if kind == "signed":
        return code + (1 << (bits - 1))
    if kind == "unsigned":
        return code
    if kind == "binary":
        return (code + 1) // 2
    raise ValueError(f"unknown code kind '{kind}'; expected signed, unsigned or binary")


def pattern_to_code(kind, bits, pattern):
    """Return the code of a bit pattern (an int or a numpy integer array)."""
    if kind == "signed":
        return pattern - (1 << (bits - 1))
    if kind == "unsigned":
        return pattern
    if kind == "binary":
        return pattern * 2 - 1
    raise ValueError(f"unknown code kind '{kind}'; expected signed, unsigned or binary")


def _format_json(code_format):
    return {"kind": code_format["kind"], "bits": int(code_format["bits"])}


def serialize(document):
    """Return the canonical bytes of a table document.

    One line per neuron, keys in a fixed order, no spaces inside number lists. Two documents with
    the same content always serialize to the same bytes, so the SHA-256 of this serialization
    identifies a set of tables independently of how the file that held them was formatted.
    """
    lines = ['{"format": "%s", "format_version": %d, "layers": [' % (FORMAT_NAME, FORMAT_VERSION)]
    layers = document["layers"]
    for layer_position, layer in enumerate(layers):
        header = {
            "layer": int(layer["layer"]),
            "input_count": int(layer["input_count"]),
            "input_format": _format_json(layer["input_format"]),
            "output_format": _format_json(layer["output_format"]),
        }
        lines.append(json.dumps(header)[:-1] + ', "neurons": [')
        neurons = layer["neurons"]
        for neuron_position, neuron in enumerate(neurons):
            inputs = ",".join(str(int(i)) for i in neuron["inputs"])
            codes = ",".join(str(int(c)) for c in neuron["codes"])
            separator = "," if neuron_position + 1 < len(neurons) else ""
            lines.append('{"layer": %d, "neuron": %d, "inputs": [%s], "key_bits": %d, "codes": [%s]}%s'
                         % (int(neuron["layer"]), int(neuron["neuron"]), inputs,
                            int(neuron["key_bits"]), codes, separator))
        lines.append("]}" + ("," if layer_position + 1 < len(layers) else ""))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("ascii")


def digest(document):
    """Return the SHA-256 (hex) of the canonical serialization of a table document."""
    return hashlib.sha256(serialize(document)).hexdigest()


def write(path, document):
    with open(path, "wb") as handle:
        handle.write(serialize(document))


def read(path):
    """Load a table document and check its header. Raise ValueError on another format."""
    with open(path, "r", encoding="utf-8") as handle:
        document = json.load(handle)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: not a lutgen table file (expected \"format\": \"{FORMAT_NAME}\")")
    if document.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported format_version {document.get('format_version')!r}; "
                         f"expected {FORMAT_VERSION}")
    return document
