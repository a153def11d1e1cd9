// The bit-exact golden model: evaluates the network from its truth tables by direct indexing.
#pragma once

#include "dataset/code_dump.hpp"
#include "tables/truth_table.hpp"

#include <cstdint>
#include <vector>

namespace lutgen {

struct GoldenResult {
    size_t sample_count = 0;
    // layers[l] contains layer l's output patterns, sample-major (sample * neuron_count + neuron).
    // Only the last layer is kept unless every layer was requested.
    std::vector<std::vector<uint16_t>> layers;
    std::vector<int> layer_widths; // neurons per layer

    const std::vector<uint16_t>& outputs() const { return layers.back(); }
    const uint16_t* output(size_t sample) const { return layers.back().data() + sample * layer_widths.back(); }
};

// Evaluates every sample on `threads` threads (0 = all cores). The dataset's feature count and
// bit width must match the first layer; throws lutgen::Error otherwise.
GoldenResult evaluate_network(const TruthTables& tables, const CodeDataset& inputs, bool keep_every_layer,
                              int threads = 0);

// The predicted class: the index of the largest output code. Ties go to the lowest index, as
// torch.argmax does.
int predict_class(const uint16_t* output_patterns, int output_count, const CodeFormat& format);

} // namespace lutgen
