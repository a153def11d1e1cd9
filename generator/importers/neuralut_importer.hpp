// NeuraLUT checkpoint (SparseLinearNeq layers of per-neuron sub-networks) to model.
#pragma once

#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "model/model.hpp"

#include <optional>

namespace lutgen {

// The connectivity comes from the module_list.L.imask.imask buffers, the width W from
// fc4.weight (out, W); `width`, when given, must agree with it.
Model import_neuralut(const StateDict& state_dict, const Architecture& arch, std::optional<int> width);

} // namespace lutgen
