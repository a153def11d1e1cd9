// PolyLUT checkpoint (SparseLinearNeq layers over polynomial terms) to model.
#pragma once

#include "arch/architecture.hpp"
#include "checkpoint/state_dict.hpp"
#include "importers/connectivity.hpp"
#include "model/model.hpp"

#include <optional>

namespace lutgen {

// PolyLUT checkpoints store neither the connectivity nor the degree: the connectivity comes from
// the file, the degree from `degree` or else from the weight shape (out, T) with
// T = C(F + D, D) - 1 monomials. Every disagreement is an error naming the layer and the numbers.
Model import_polylut(const StateDict& state_dict, const Architecture& arch, const Connectivity& connectivity,
                     std::optional<int> degree);

} // namespace lutgen
