#include "verilog/rtl_manifest.hpp"

#include "base/error.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace lutgen {

using nlohmann::ordered_json;

void write_rtl_manifest(const RtlManifest& manifest, const std::filesystem::path& directory)
{
    ordered_json layers = ordered_json::array();
    for (const RtlLayerSignal& layer : manifest.layer_outputs)
        layers.push_back({{"layer", layer.layer}, {"signal", layer.signal}, {"width", layer.width},
                          {"latency", layer.latency}});

    ordered_json document = {
        {"format", "lutgen-rtl"},
        {"format_version", 1},
        {"generator_version", manifest.generator_version},
        {"dialect", manifest.dialect},
        {"neuron_style", manifest.neuron_style},
        {"registers", manifest.registers},
        {"top_module", manifest.top_module},
        {"input_port", manifest.input_port},
        {"output_port", manifest.output_port},
        {"clock_port", manifest.clock_port},
        {"reset_port", manifest.reset_port},
        {"reset_active_high", manifest.reset_active_high},
        {"input_width", manifest.input_width},
        {"output_width", manifest.output_width},
        {"latency", manifest.latency},
        {"layer_outputs", layers},
        {"verilog_files", manifest.verilog_files},
        {"data_files", manifest.data_files},
        {"model_sha256", manifest.model_sha256},
    };
    // Written only with an encoder, so manifests without one are unchanged.
    if (!manifest.input_encoder_format.empty())
        document["input_encoder"] = {{"format", manifest.input_encoder_format},
                                     {"code_signal", manifest.input_code_signal},
                                     {"code_width", manifest.input_code_width}};

    const std::filesystem::path path = directory / kRtlManifestName;
    std::ofstream out(path, std::ios::binary);
    out << document.dump(1) << '\n';
    if (!out)
        throw Error(path.string(), "cannot write the RTL manifest", "", "check that the directory is writable");
}

RtlManifest read_rtl_manifest(const std::filesystem::path& directory)
{
    const std::filesystem::path path = directory / kRtlManifestName;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string(), "RTL manifest not found", kRtlManifestName,
                    "pass a directory written by 'lutgen generate'");

    try {
        const nlohmann::json document = nlohmann::json::parse(in);
        if (document.value("format", "") != "lutgen-rtl")
            throw Error(path.string(), "not a lutgen RTL manifest", document.value("format", ""),
                        "pass a directory written by 'lutgen generate'");

        RtlManifest manifest;
        manifest.generator_version = document.at("generator_version").get<std::string>();
        manifest.dialect = document.at("dialect").get<std::string>();
        manifest.neuron_style = document.at("neuron_style").get<std::string>();
        manifest.registers = document.at("registers").get<std::string>();
        manifest.top_module = document.at("top_module").get<std::string>();
        manifest.input_port = document.at("input_port").get<std::string>();
        manifest.output_port = document.at("output_port").get<std::string>();
        manifest.clock_port = document.at("clock_port").get<std::string>();
        manifest.reset_port = document.at("reset_port").get<std::string>();
        manifest.reset_active_high = document.at("reset_active_high").get<bool>();
        manifest.input_width = document.at("input_width").get<int>();
        manifest.output_width = document.at("output_width").get<int>();
        manifest.latency = document.at("latency").get<int>();
        for (const auto& layer : document.at("layer_outputs"))
            manifest.layer_outputs.push_back({layer.at("layer").get<int>(), layer.at("signal").get<std::string>(),
                                              layer.at("width").get<int>(), layer.at("latency").get<int>()});
        manifest.verilog_files = document.at("verilog_files").get<std::vector<std::string>>();
        manifest.data_files = document.at("data_files").get<std::vector<std::string>>();
        manifest.model_sha256 = document.value("model_sha256", "");
        if (document.contains("input_encoder")) {
            const auto& encoder = document.at("input_encoder");
            manifest.input_encoder_format = encoder.at("format").get<std::string>();
            manifest.input_code_signal = encoder.at("code_signal").get<std::string>();
            manifest.input_code_width = encoder.at("code_width").get<int>();
        }
        return manifest;
    } catch (const nlohmann::json::exception& error) {
        throw Error(path.string(), "malformed RTL manifest", error.what(),
                    "regenerate the directory with 'lutgen generate'");
    }
}

} // namespace lutgen
