// The hardware cost report that `lutgen cost` and `lutgen synth` print. Every report states what
// its figures count: the tool and its version, the stage, the part, the clock, whether pipeline
// registers and an input encoder are included, and whether LUTs are LUT sites or LUT cells.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lutgen {

enum class CostStage {
    Estimate,             // analytic formula over the model, no tool run
    YosysMapping,         // Yosys technology mapping to Xilinx primitives
    VivadoSynthesis,      // Vivado synth_design
    VivadoImplementation, // Vivado place and route
};

const char* cost_stage_name(CostStage stage);

// The unit a LUT figure counts in.
enum class LutBasis {
    Lut6Estimate, // LUT6 equivalents from a formula
    Cells,        // every LUT1..LUT6 primitive, so two small LUTs sharing one site count twice
    Sites,        // LUT sites as Vivado's utilization report counts them ("CLB LUTs", "Slice LUTs")
};

const char* lut_basis_name(LutBasis basis);

// Primitive cell counts of a mapped netlist.
struct CellCounts {
    std::map<int, int64_t> luts_by_size; // LUT input count (1..6) -> cells
    int64_t muxf7 = 0;
    int64_t muxf8 = 0;
    int64_t flip_flops = 0;               // FDRE, FDSE, FDCE, FDPE and the other FD* primitives
    std::map<std::string, int64_t> other; // every other primitive by type, such as BUFG or CARRY8

    int64_t lut_cells() const;
    bool empty() const;
    void add(const CellCounts& counts);
    // Adds `count` cells of the primitive `type` to the right field.
    void add_cell(const std::string& type, int64_t count);
};

struct LayerCost {
    int layer = 0;
    int neurons = 0;
    std::optional<int> neurons_used; // neurons whose output reaches the network output (Yosys)
    int key_bits = 0;                // widest neuron key of the layer
    int output_bits = 0;
    std::optional<double> lut_estimate;  // LogicNets' LUTCost summed over the layer's neurons
    std::optional<uint64_t> table_bits;  // sum over neurons of 2^key_bits * output_bits
    std::optional<int64_t> register_bits; // pipeline register bits in front of the layer (RTL)
    CellCounts cells;                     // mapped cells of the used neurons
    std::optional<int> logic_depth;       // the layer's longest path in LUT and MUXF levels
};

struct HardwareReport {
    std::string design;   // top module, or the model file for an estimate
    std::string tool;     // such as "Yosys 0.23 (git sha1 7ce5011c24b)" or "Vivado v2021.2"
    CostStage stage = CostStage::Estimate;
    std::string flow;     // the commands or formula behind the figures
    std::string part;     // empty when no part applies
    std::optional<double> clock_ns;
    bool registers_included = false;
    bool encoder_included = false; // true when the RTL contains an input encoder
    LutBasis lut_basis = LutBasis::Cells;

    std::optional<int64_t> luts; // LUT total in the lut_basis
    std::optional<double> lut_estimate;
    CellCounts cells;
    std::optional<int64_t> flip_flops;
    std::optional<int64_t> muxf7;
    std::optional<int64_t> muxf8;
    std::optional<int> latency_cycles;
    std::optional<int> logic_depth; // maximum register-to-register path length, in LUT and MUXF levels
    std::optional<uint64_t> table_bits;
    std::optional<double> wns_ns;
    std::optional<double> fmax_mhz;
    std::optional<double> seconds; // wall time of the tool runs behind the report

    std::vector<LayerCost> layers;
    std::map<std::string, std::string> sources; // figure -> file it was read from
    std::vector<std::string> notes;
};

// Fmax in MHz from the clock period and the worst negative slack: 1000 / (period - WNS).
double fmax_mhz(double period_ns, double wns_ns);

// The JSON document of `--json`: {"format": "lutgen-hardware-report", "format_version": 1,
// "reports": [...]}. Missing figures are null.
std::string hardware_reports_json(const std::vector<HardwareReport>& reports);

// A plain-text rendering for the terminal: the header lines, then one line per layer.
std::string hardware_report_text(const HardwareReport& report);

} // namespace lutgen
