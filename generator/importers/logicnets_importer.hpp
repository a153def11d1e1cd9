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

} // namespace lutgen
