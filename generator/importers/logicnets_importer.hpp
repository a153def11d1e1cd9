// LogicNets checkpoint (a state dict of SparseLinearNeq layers) to model.
#pragma once

#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "model/model.hpp"

namespace lutgen {

// Builds the model from the tensors, taking from the architecture only what the state dict does
// not store. Layer sizes and connectivity come from the tensors; every disagreement with the
// architecture is an error that names the layer and the numbers. Inputs of each neuron are put in
// `order` (LogicNets with PyTorch 1.13 gives ascending order).
Model import_logicnets(const StateDict& state_dict, const Architecture& arch, InputOrder order);

// Reads one QuantBrevitasActivation (learned scale, BatchNorm pre-transform) under `prefix`, e.g.
// "module_list.0.output_quant.". PolyLUT and NeuraLUT keep LogicNets' quantizers, so their
// importers share this. `kind` and `bits` are the defaults the override may change.
Quantizer import_brevitas_quantizer(const StateDict& state_dict, const std::string& prefix, const std::string& role,
                                    QuantizerKind kind, int bits, const QuantizerOverride& override_, int channels);

} // namespace lutgen
