// A truth-table file (docs/tables-format.md) to a model of table neurons, so that tables from
// any source can be turned into RTL and verified.
#pragma once

#include "model/model.hpp"
#include "tables/truth_table.hpp"

#include <string>

namespace lutgen {

// Every layer becomes a `table` layer. The file contains code formats but no scales, so the
// quantizers get scale 1 and no BatchNorm: tables, RTL and the golden model need only the
// formats. Throws lutgen::Error when consecutive layers disagree on a code format.
Model import_tables(const TruthTables& tables, const std::string& source_name);

} // namespace lutgen
