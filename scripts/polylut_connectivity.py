#!/usr/bin/env python3
"""Write the connectivity file of a PolyLUT model (docs/connectivity-format.md).

Run it in the PolyLUT environment, from the dataset folder whose models.py and train.py trained
the model (e.g. PolyLUT/datasets/jet_substructure), with the training seed. It rebuilds the model
the way neq2lut.py does (same seeding, same construction order) and writes each layer's imask.

    python polylut_connectivity.py --arch jsc-m-lite --seed 1697 -o connectivity.json
"""

import argparse
import importlib
import json
import os
import random
import sys

import numpy as np
import torch


def build_model(arch, overrides, input_length, output_length, seed):
    train = importlib.import_module("train")
    models = importlib.import_module("models")
    config = dict(train.configs[arch])
    config.update(overrides)
    model_cfg = {key: config[key] for key in train.model_config.keys()}
    model_cfg["input_length"] = input_length
    model_cfg["output_length"] = output_length

    # The seeding of neq2lut.py; the connectivity comes from this random stream.
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    model_classes = [getattr(models, name) for name in dir(models) if name.endswith("NeqModel")]
    if len(model_classes) != 1:
        raise SystemExit(f"error: models.py: expected one *NeqModel class, found {len(model_classes)}; "
                         "run the script in a PolyLUT dataset folder")
    return model_classes[0](model_cfg)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", required=True, help="the --arch the model was trained with")
    parser.add_argument("--seed", type=int, required=True, help="the training seed")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config override given at training, e.g. degree=2 (JSON value); repeatable")
    parser.add_argument("--input-length", type=int, default=16, help="number of input features (default: 16)")
    parser.add_argument("--output-length", type=int, default=5, help="number of classes (default: 5)")
    parser.add_argument("--checkpoint", help="also load these weights into the rebuilt model (checks shapes)")
    parser.add_argument("-o", "--output", required=True, help="connectivity JSON to write")
    args = parser.parse_args(argv)

    sys.path.insert(0, os.getcwd())
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    model = build_model(args.arch, overrides, args.input_length, args.output_length, args.seed)
    if args.checkpoint:
        checkpoint = torch.load(args.checkpoint, map_location="cpu")
        model.load_state_dict(checkpoint.get("model_dict", checkpoint))

    layers = []
    for layer in model.module_list:
        imask = layer.imask() if callable(layer.imask) else layer.imask
        layers.append([[int(i) for i in row] for row in torch.as_tensor(imask).tolist()])
    with open(args.output, "w", encoding="ascii") as handle:
        json.dump({"description": f"PolyLUT connectivity, --arch {args.arch} --seed {args.seed}",
                   "layers": layers}, handle)
        handle.write("\n")
    print(f"{args.output}: {len(layers)} layers, {sum(len(layer) for layer in layers)} neurons")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
