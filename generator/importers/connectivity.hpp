// The connectivity file of a PolyLUT model (docs/connectivity-format.md): each neuron's connected
// inputs, which PolyLUT checkpoints do not store.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lutgen {

struct Connectivity {
    std::string source; // the file, for messages
    // layers[l][n]: neuron n's connected inputs in key order (first = most significant).
    std::vector<std::vector<std::vector<int>>> layers;
};

// Reads and checks the file's structure (non-negative integer indices, no duplicates within a
// neuron). Sizes are checked against the checkpoint by the importer. Throws lutgen::Error.
Connectivity read_connectivity(const std::filesystem::path& path);
Connectivity connectivity_from_json(const std::string& text, const std::string& source_name);

} // namespace lutgen
