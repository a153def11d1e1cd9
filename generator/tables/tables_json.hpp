// The truth-table file format of `lutgen tables` (documented in docs/tables-format.md).
#pragma once

#include "tables/truth_table.hpp"

#include <filesystem>

namespace lutgen {

// Streams the tables to `path`: per neuron its layer, index, inputs in key order and the output
// code for every key, indexed by the key's integer value.
void write_tables_json(const TruthTables& tables, const std::filesystem::path& path);

// Reads a file written by write_tables_json (or by any tool that follows the format).
// Throws lutgen::Error naming the file, layer and neuron on malformed content.
TruthTables read_tables_json(const std::filesystem::path& path);

} // namespace lutgen
