// The analytic hardware cost of a model, computed from its layer shapes without running a tool:
// LogicNets' LUTCost formula, pipeline register bits, latency and table bits.
#pragma once

#include "hardware/hardware_report.hpp"
#include "model/model.hpp"
#include "verilog/verilog_writer.hpp"

#include <string>

namespace lutgen {

// LogicNets' LUTCost (Umuroglu et al., FPL 2020) of one neuron with `key_bits` input bits and
// `output_bits` output bits: (Y / 3) * (2^(X - 4) - (-1)^X) LUT6s. It is a float, as in
// LogicNets' lut_cost(), and it is not rounded.
double logicnets_lut_cost(int key_bits, int output_bits);

// The estimate report: per layer the LUTCost sum, table bits and the register bits in front of
// the layer, and in total the flip-flops and latency that `registers` gives.
HardwareReport estimate_cost(const Model& model, RegisterPlacement registers, const std::string& design_name);

} // namespace lutgen
