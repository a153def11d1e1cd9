#include "verilog/input_encoder.hpp"

#include "verilog/output_file.hpp"

#include <fmt/format.h>

namespace lutgen {

namespace {

// A sized signed decimal literal. Thresholds lie in (min_raw, max_raw], so the negated
// magnitude of a negative one always fits the width.
std::string signed_literal(int64_t value, int bits)
{
    if (value < 0)
        return fmt::format("-{}'sd{}", bits, -value);
    return fmt::format("{}'sd{}", bits, value);
}

std::string pattern_literal(const CodeFormat& format, int code)
{
    const uint32_t pattern = format.pattern(code);
    std::string digits;
    for (int bit = format.bits - 1; bit >= 0; --bit)
        digits.push_back(((pattern >> bit) & 1u) ? '1' : '0');
    return fmt::format("{}'b{}", format.bits, digits);
}

std::string feature_description(const EncoderFeature& feature, const FixedPointFormat& format)
{
    std::string description =
        fmt::format("{} comparator{}", feature.comparators.size(), feature.comparators.size() == 1 ? "" : "s");
    if (feature.comparators.empty())
        return fmt::format("code {} for every {} value.", feature.default_code, format.name());
    if (feature.reversed)
        return description + ", codes fall as the value rises (negative BatchNorm gamma).";
    return description + ", codes rise with the value.";
}

} // namespace

std::string write_input_encoder(const InputEncoder& encoder, const std::string& module_name,
                                const std::string& header, TemplateLibrary& templates,
                                const std::filesystem::path& directory)
{
    const int value_bits = encoder.format.bits;
    const int code_bits = encoder.code_format.bits;
    const int feature_count = static_cast<int>(encoder.features.size());

    auto render_features = [&](OutputFile& out) {
        for (const EncoderFeature& feature : encoder.features) {
            const int index = feature.feature;
            TemplateValues values = {
                {"feature", std::to_string(index)},
                {"description", feature_description(feature, encoder.format)},
                {"value_msb", std::to_string(value_bits - 1)},
                {"value_high", std::to_string(index * value_bits + value_bits - 1)},
                {"value_low", std::to_string(index * value_bits)},
                {"code_high", std::to_string(index * code_bits + code_bits - 1)},
                {"code_low", std::to_string(index * code_bits)},
            };

            if (feature.comparators.empty()) {
                values["code_pattern"] = pattern_literal(encoder.code_format, feature.default_code);
                templates.get("lutgen/input_encoder_feature_constant.v").render(out, values);
                continue;
            }

            // The highest threshold is tested first, so the last code start at or below the value wins.
            std::string selection;
            for (auto comparator = feature.comparators.rbegin(); comparator != feature.comparators.rend();
                 ++comparator)
                selection += fmt::format("        feature{} >= {} ? {} :\n", index,
                                         signed_literal(comparator->threshold, value_bits),
                                         pattern_literal(encoder.code_format, comparator->code));
            selection += "        " + pattern_literal(encoder.code_format, feature.default_code);
            values["selection"] = selection;
            templates.get("lutgen/input_encoder_feature.v").render(out, values);
        }
    };

    const std::string file_name = module_name + ".v";
    OutputFile out(directory / file_name);
    templates.get("lutgen/input_encoder.v")
        .render(out, {
                         {"header", header},
                         {"module_name", module_name},
                         {"features_msb", std::to_string(feature_count * value_bits - 1)},
                         {"codes_msb", std::to_string(feature_count * code_bits - 1)},
                         {"features", render_features},
                     });
    out.close();
    return file_name;
}

} // namespace lutgen
