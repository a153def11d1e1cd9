#include "hardware/rtl_neurons.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

namespace lutgen {

namespace {

std::string read_file_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "cannot read file", path.filename().string(),
                    "regenerate the RTL directory with 'lutgen generate'");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

uint64_t file_size_or_zero(const std::filesystem::path& path)
{
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path, error);
    return error ? 0 : static_cast<uint64_t>(size);
}

} // namespace

int RtlNeuron::input_bits() const
{
    int bits = 0;
    for (const RtlPort& port : ports)
        bits += port.output ? 0 : port.width;
    return bits;
}

int RtlNeuron::output_bits() const
{
    int bits = 0;
    for (const RtlPort& port : ports)
        bits += port.output ? port.width : 0;
    return bits;
}

std::vector<RtlPort> parse_module_ports(const std::string& verilog, const std::string& module,
                                        const std::string& source)
{
    static const std::regex port_pattern(
        R"((input|output)\s+(?:wire\s+|reg\s+)?(?:\[\s*(\d+)\s*:\s*(\d+)\s*\]\s*)?([A-Za-z_][A-Za-z0-9_$]*))");

    const std::regex header_pattern("\\bmodule\\s+" + module + "\\s*\\(");
    std::smatch header;
    if (!std::regex_search(verilog, header, header_pattern))
        throw Error(source, "module not found", module, "regenerate the RTL directory with 'lutgen generate'");

    const size_t begin = static_cast<size_t>(header.position(0) + header.length(0));
    const size_t end = verilog.find(");", begin);
    if (end == std::string::npos)
        throw Error(source, "module header has no end", module, "regenerate the RTL directory with 'lutgen generate'");
    const std::string port_list = verilog.substr(begin, end - begin);

    std::vector<RtlPort> ports;
    for (auto it = std::sregex_iterator(port_list.begin(), port_list.end(), port_pattern); it != std::sregex_iterator();
         ++it) {
        const std::smatch& match = *it;
        RtlPort port;
        port.output = match[1].str() == "output";
        if (match[2].matched) {
            const int msb = std::stoi(match[2].str());
            const int lsb = std::stoi(match[3].str());
            port.width = std::abs(msb - lsb) + 1;
        }
        port.name = match[4].str();
        ports.push_back(port);
    }
    if (ports.empty())
        throw Error(source, "module has no ANSI-style ports", module,
                    "regenerate the RTL directory with 'lutgen generate'");
    return ports;
}

RtlInventory read_rtl_inventory(const std::filesystem::path& rtl_dir)
{
    static const std::regex neuron_pattern(R"((?:^|_)layer(\d+)_(?:neuron|N)(\d+)\.v$)");

    RtlInventory inventory;
    inventory.manifest = read_rtl_manifest(rtl_dir);

    for (const std::string& file : inventory.manifest.verilog_files) {
        std::smatch match;
        if (!std::regex_search(file, match, neuron_pattern)) {
            inventory.other_files.push_back(file);
            continue;
        }

        RtlNeuron neuron;
        neuron.layer = std::stoi(match[1].str());
        neuron.index = std::stoi(match[2].str());
        neuron.verilog_file = file;
        neuron.module = std::filesystem::path(file).stem().string();
        for (const std::string& data : inventory.manifest.data_files)
            if (std::filesystem::path(data).stem().string() == neuron.module)
                neuron.data_files.push_back(data);

        const std::filesystem::path path = rtl_dir / file;
        neuron.ports = parse_module_ports(read_file_text(path), neuron.module, path.string());
        neuron.size_bytes = file_size_or_zero(path);
        for (const std::string& data : neuron.data_files)
            neuron.size_bytes += file_size_or_zero(rtl_dir / data);
        inventory.neurons.push_back(std::move(neuron));
    }

    if (inventory.neurons.empty())
        throw Error((rtl_dir / kRtlManifestName).string(), "no neuron module found", "verilog_files",
                    "point to a directory written by 'lutgen generate'");

    std::sort(inventory.neurons.begin(), inventory.neurons.end(), [](const RtlNeuron& a, const RtlNeuron& b) {
        return a.layer != b.layer ? a.layer < b.layer : a.index < b.index;
    });
    return inventory;
}

std::string batch_wrapper_verilog(const std::string& name, const std::vector<const RtlNeuron*>& neurons)
{
    std::vector<std::string> ports;
    std::string instances;
    for (size_t i = 0; i < neurons.size(); ++i) {
        const RtlNeuron& neuron = *neurons[i];
        std::vector<std::string> connections;
        for (const RtlPort& port : neuron.ports) {
            const std::string wire = fmt::format("n{}_{}", i, port.name);
            const std::string range = port.width > 1 ? fmt::format("[{}:0] ", port.width - 1) : "";
            ports.push_back(fmt::format("    {} wire {}{}", port.output ? "output" : "input ", range, wire));
            connections.push_back(fmt::format(".{}({})", port.name, wire));
        }
        std::string joined;
        for (const std::string& connection : connections)
            joined += (joined.empty() ? "" : ", ") + connection;
        instances += fmt::format("    {} u{} ({});\n", neuron.module, i, joined);
    }

    std::string text = fmt::format("module {} (\n", name);
    for (size_t i = 0; i < ports.size(); ++i)
        text += ports[i] + (i + 1 < ports.size() ? ",\n" : "\n");
    text += ");\n" + instances + "endmodule\n";
    return text;
}

} // namespace lutgen
