#include "importers/connectivity.hpp"

#include "base/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace lutgen {

Connectivity connectivity_from_json(const std::string& text, const std::string& source)
{
    const char* hint = "write the file with scripts/polylut_connectivity.py (see docs/connectivity-format.md)";
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        throw Error(source, "invalid JSON", error.what(), hint);
    }
    if (!document.is_object() || !document.contains("layers") || !document["layers"].is_array() ||
        document["layers"].empty())
        throw Error(source, "expected an object with a non-empty array 'layers'",
                    document.dump().substr(0, 40), hint);

    Connectivity connectivity;
    connectivity.source = source;
    const nlohmann::json& layers = document["layers"];
    for (size_t l = 0; l < layers.size(); ++l) {
        if (!layers[l].is_array() || layers[l].empty())
            throw Error(source, fmt::format("layer {}: expected a non-empty array of neurons", l),
                        layers[l].dump().substr(0, 40), hint);
        std::vector<std::vector<int>> neurons;
        for (size_t n = 0; n < layers[l].size(); ++n) {
            const nlohmann::json& row = layers[l][n];
            const std::string where = fmt::format("layer {} neuron {}", l, n);
            if (!row.is_array() || row.empty())
                throw Error(source, where + ": expected a non-empty array of input indices",
                            row.dump().substr(0, 40), hint);
            std::vector<int> inputs;
            for (const nlohmann::json& index : row) {
                if (!index.is_number_integer() || index.get<int64_t>() < 0 || index.get<int64_t>() > (1 << 24))
                    throw Error(source, where + ": input index is not a non-negative integer", index.dump(), hint);
                inputs.push_back(index.get<int>());
            }
            std::vector<int> sorted = inputs;
            std::sort(sorted.begin(), sorted.end());
            if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
                throw Error(source, where + ": an input index occurs twice", row.dump(), hint);
            neurons.push_back(std::move(inputs));
        }
        connectivity.layers.push_back(std::move(neurons));
    }
    return connectivity;
}

Connectivity read_connectivity(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot open the connectivity file", path.string(),
                    "check the path; PolyLUT models need --connectivity FILE");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return connectivity_from_json(buffer.str(), path.string());
}

} // namespace lutgen
