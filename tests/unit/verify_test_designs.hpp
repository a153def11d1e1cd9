// Hand-written RTL directories for the Verilator simulation tests, with the C++ functions they
// compute. Each directory has a manifest written by write_rtl_manifest.
#pragma once

#include "verilog/rtl_manifest.hpp"

#include <bitset>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace lutgen::test {

inline void write_file(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

inline std::string to_binary(std::uint64_t value, int width)
{
    std::string text(static_cast<std::size_t>(width), '0');
    for (int bit = 0; bit < width; ++bit)
        text[static_cast<std::size_t>(width - 1 - bit)] = ((value >> bit) & 1u) ? '1' : '0';
    return text;
}

inline std::vector<std::string> random_lines(std::size_t count, int width, std::uint64_t seed)
{
    std::mt19937_64 generator(seed);
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < count; ++i) {
        std::string line;
        for (int bit = 0; bit < width; ++bit)
            line += (generator() & 1u) ? '1' : '0';
        lines.push_back(line);
    }
    return lines;
}

// A two-layer pipeline in LogicNets' layout: every layer input is registered (synchronous,
// active-high reset), the output is not, so the latency is 2. Layer 0 reads a 16-entry ROM
// through $readmemh with a path relative to the RTL directory.
//   M1 (36 bits) = {rom[x[11:8]], rom[x[7:4]], rom[x[3:0]], x & rotl(x, 5), x ^ rotl(x, 1)}
//   M2 (40 bits) = {M1[35:32] ^ M1[3:0], M1 ^ rotl(M1, 12)}
inline constexpr int kPipelineInputWidth = 12;

inline std::uint64_t pipeline_rom(std::uint64_t index) { return (index * 7 + 3) % 16; }

inline std::uint64_t rotate_left(std::uint64_t value, int shift, int width)
{
    const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
    return ((value << shift) | (value >> (width - shift))) & mask;
}

inline std::uint64_t pipeline_layer0(std::uint64_t x)
{
    return (pipeline_rom((x >> 8) & 15) << 32) | (pipeline_rom((x >> 4) & 15) << 28) | (pipeline_rom(x & 15) << 24) |
           ((x & rotate_left(x, 5, 12)) << 12) | (x ^ rotate_left(x, 1, 12));
}

inline std::uint64_t pipeline_layer1(std::uint64_t m1)
{
    return ((((m1 >> 32) & 15) ^ (m1 & 15)) << 36) | (m1 ^ rotate_left(m1, 12, 36));
}

inline void write_pipeline_design(const std::filesystem::path& directory)
{
    std::filesystem::create_directories(directory);
    write_file(directory / "myreg.v",
               "module myreg #(parameter DataWidth = 1) (\n"
               "    input [DataWidth-1:0] data_in, input clk, input rst, output reg [DataWidth-1:0] data_out);\n"
               "  always @(posedge clk)\n"
               "    if (rst) data_out <= 0;\n"
               "    else data_out <= data_in;\n"
               "endmodule\n");
    write_file(directory / "pipe2.v",
               "module pipe2 (input [11:0] M0, input clk, input rst, output [39:0] M2);\n"
               "  wire [11:0] M0w;\n"
               "  wire [35:0] M1;\n"
               "  wire [35:0] M1w;\n"
               "  reg [3:0] rom [0:15];\n"
               "  initial $readmemh(\"rom.memh\", rom);\n"
               "  myreg #(.DataWidth(12)) layer0_reg (.data_in(M0), .clk(clk), .rst(rst), .data_out(M0w));\n"
               "  assign M1 = {rom[M0w[11:8]], rom[M0w[7:4]], rom[M0w[3:0]],\n"
               "               M0w & {M0w[6:0], M0w[11:7]}, M0w ^ {M0w[10:0], M0w[11]}};\n"
               "  myreg #(.DataWidth(36)) layer1_reg (.data_in(M1), .clk(clk), .rst(rst), .data_out(M1w));\n"
               "  assign M2 = {M1w[35:32] ^ M1w[3:0], M1w ^ {M1w[23:0], M1w[35:24]}};\n"
               "endmodule\n");
    std::string rom;
    for (std::uint64_t index = 0; index < 16; ++index)
        rom += "0123456789abcdef"[pipeline_rom(index)] + std::string("\n");
    write_file(directory / "rom.memh", rom);

    RtlManifest manifest;
    manifest.generator_version = "test";
    manifest.dialect = "logicnets";
    manifest.neuron_style = "memh";
    manifest.registers = "before-layers";
    manifest.top_module = "pipe2";
    manifest.input_port = "M0";
    manifest.output_port = "M2";
    manifest.clock_port = "clk";
    manifest.reset_port = "rst";
    manifest.reset_active_high = true;
    manifest.input_width = kPipelineInputWidth;
    manifest.output_width = 40;
    manifest.latency = 2;
    manifest.layer_outputs = {{0, "M1", 36, 1}, {1, "M2", 40, 2}};
    manifest.verilog_files = {"myreg.v", "pipe2.v"};
    manifest.data_files = {"rom.memh"};
    write_rtl_manifest(manifest, directory);
}

// A combinational network on wide buses (VlWide ports), latency 0, without a clock port and with
// an active-low reset port that the design ignores.
//   mid (100 bits) = x ^ rotl(x, 1)
//   y (70 bits)    = mid[99:30] & ~mid[69:0]
inline constexpr int kWideInputWidth = 100;
inline constexpr int kWideOutputWidth = 70;

inline std::bitset<100> wide_middle(const std::string& input)
{
    const std::bitset<100> x(input);
    return x ^ ((x << 1) | (x >> 99));
}

inline std::bitset<70> wide_output(const std::bitset<100>& middle)
{
    std::bitset<70> y;
    for (std::size_t bit = 0; bit < 70; ++bit)
        y[bit] = middle[bit + 30] && !middle[bit];
    return y;
}

inline void write_wide_design(const std::filesystem::path& directory)
{
    std::filesystem::create_directories(directory);
    write_file(directory / "wide_comb.v",
               "module wide_comb (input [99:0] in_bus, input rst_n, output [69:0] out_bus);\n"
               "  wire [99:0] mid;\n"
               "  assign mid = in_bus ^ {in_bus[98:0], in_bus[99]};\n"
               "  assign out_bus = mid[99:30] & ~mid[69:0];\n"
               "endmodule\n");

    RtlManifest manifest;
    manifest.generator_version = "test";
    manifest.dialect = "lutgen";
    manifest.neuron_style = "case";
    manifest.registers = "none";
    manifest.top_module = "wide_comb";
    manifest.input_port = "in_bus";
    manifest.output_port = "out_bus";
    manifest.clock_port = "";
    manifest.reset_port = "rst_n";
    manifest.reset_active_high = false;
    manifest.input_width = kWideInputWidth;
    manifest.output_width = kWideOutputWidth;
    manifest.latency = 0;
    manifest.layer_outputs = {{0, "mid", 100, 0}, {1, "out_bus", 70, 0}};
    manifest.verilog_files = {"wide_comb.v"};
    write_rtl_manifest(manifest, directory);
}

} // namespace lutgen::test
