// Helpers shared by the subcommands.
#pragma once

#include "model/model.hpp"
#include "tables/enumerate.hpp"
#include "tables/truth_table.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace lutgen::cli {

// Options every command that enumerates tables accepts.
struct TableOptions {
    int threads = 0;
    int max_key_bits = TableLimits{}.max_key_bits;
    uint64_t max_table_mib = TableLimits{}.max_total_bytes >> 20;
    std::string input_order; // empty: keep the model's order
};

void add_table_options(CLI::App& command, TableOptions& options);

InputOrder parse_input_order(const std::string& text);

// Reads the model, applies the input order, checks the size limits and enumerates the tables.
TruthTables load_tables(const std::string& model_path, const TableOptions& options, Model* model_out = nullptr);

} // namespace lutgen::cli
