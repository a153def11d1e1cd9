// Truth-table enumeration: every quantized input combination of every neuron.
#pragma once

#include "model/model.hpp"
#include "tables/truth_table.hpp"

#include <cstdint>
#include <string>

namespace lutgen {

struct TableLimits {
    int max_key_bits = 24;                       // per neuron
    uint64_t max_total_bytes = uint64_t{4} << 30; // all tables together, at 2 bytes per entry
};

struct TableSize {
    uint64_t entries = 0;
    uint64_t bytes = 0;
    int widest_key_bits = 0;
    int widest_layer = 0;
};

// Computes the table sizes from the model alone, before anything is allocated.
TableSize measure_tables(const Model& model);

// Throws lutgen::Error naming the layer, neuron and numbers if the tables exceed the limits.
void check_table_limits(const Model& model, const TableLimits& limits, const std::string& source_name);

// Enumerates every neuron's table on `threads` threads (0 = all cores). The result does not
// depend on the thread count.
TruthTables enumerate_tables(const Model& model, int threads = 0);

} // namespace lutgen
