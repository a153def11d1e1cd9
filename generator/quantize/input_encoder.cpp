#include "quantize/input_encoder.hpp"

#include <cmath>

namespace lutgen {

int InputEncoder::encode(size_t feature, int64_t raw) const
{
    const EncoderFeature& encoder = features[feature];
    int code = encoder.default_code;
    for (const EncoderComparator& comparator : encoder.comparators) {
        if (raw < comparator.threshold)
            break;
        code = comparator.code;
    }
    return code;
}

InputEncoder build_input_encoder(const Model& model, const FixedPointFormat& format)
{
    return build_input_encoder(describe_input_quantization(model), model.input_quantizer.format, format);
}

InputEncoder build_input_encoder(const std::vector<FeatureQuantization>& descriptions, const CodeFormat& code_format,
                                 const FixedPointFormat& format)
{
    InputEncoder encoder;
    encoder.format = format;
    encoder.code_format = code_format;

    for (const FeatureQuantization& description : descriptions) {
        EncoderFeature feature;
        feature.feature = description.feature;
        feature.reversed = description.reversed;
        feature.default_code = description.lowest_value_code;

        for (const CodeStart& start : description.code_starts) {
            // start.value * 2^F is exact in double; the smallest raw value at or above it is its ceiling.
            const double threshold = std::ceil(std::ldexp(static_cast<double>(start.value), format.fraction_bits));
            if (threshold <= static_cast<double>(format.min_raw())) {
                feature.default_code = start.code;
                continue;
            }
            if (threshold > static_cast<double>(format.max_raw()))
                break;

            const int64_t raw = static_cast<int64_t>(threshold);
            // Codes whose start rounds to the same raw value as the next one never win.
            if (!feature.comparators.empty() && feature.comparators.back().threshold == raw)
                feature.comparators.back().code = start.code;
            else
                feature.comparators.push_back({raw, start.code});
        }
        encoder.features.push_back(std::move(feature));
    }
    return encoder;
}

} // namespace lutgen
