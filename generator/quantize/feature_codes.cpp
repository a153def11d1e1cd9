#include "quantize/feature_codes.hpp"

#include "quantize/input_quantization.hpp"

#include <algorithm>

namespace lutgen {

QuantizedFeatures quantize_features(const Model& model, const FeatureTable& features)
{
    const Quantizer& quantizer = model.input_quantizer;
    QuantizedFeatures result;
    result.codes.feature_count = features.feature_count;
    result.codes.bits = quantizer.format.bits;
    result.codes.sample_count = features.sample_count;
    result.codes.patterns.reserve(features.values.size());
    result.clipped.assign(static_cast<size_t>(features.feature_count), 0);

    for (size_t sample = 0; sample < features.sample_count; ++sample) {
        const float* values = features.sample(sample);
        for (size_t feature = 0; feature < static_cast<size_t>(features.feature_count); ++feature) {
            const int code = quantize_feature(quantizer, feature, values[feature]);
            result.codes.patterns.push_back(static_cast<uint16_t>(quantizer.format.pattern(code)));
            if (feature_is_clipped(quantizer, feature, values[feature]))
                ++result.clipped[feature];
        }
    }
    return result;
}

FixedPointFeatures to_fixed_point(const FeatureTable& features, const FixedPointFormat& format)
{
    FixedPointFeatures result;
    result.format = format;
    result.feature_count = features.feature_count;
    result.sample_count = features.sample_count;
    result.raw.reserve(features.values.size());
    result.saturated.assign(static_cast<size_t>(features.feature_count), 0);

    for (size_t sample = 0; sample < features.sample_count; ++sample) {
        const float* values = features.sample(sample);
        for (size_t feature = 0; feature < static_cast<size_t>(features.feature_count); ++feature) {
            bool saturated = false;
            result.raw.push_back(to_fixed_point(values[feature], format, &saturated));
            if (saturated)
                ++result.saturated[feature];
        }
    }
    return result;
}

CodeDataset encode_features(const InputEncoder& encoder, const FixedPointFeatures& features)
{
    CodeDataset codes;
    codes.feature_count = features.feature_count;
    codes.bits = encoder.code_format.bits;
    codes.sample_count = features.sample_count;
    codes.patterns.reserve(features.raw.size());
    for (size_t sample = 0; sample < features.sample_count; ++sample) {
        const int64_t* raw = features.sample(sample);
        for (size_t feature = 0; feature < static_cast<size_t>(features.feature_count); ++feature)
            codes.patterns.push_back(
                static_cast<uint16_t>(encoder.code_format.pattern(encoder.encode(feature, raw[feature]))));
    }
    return codes;
}

std::string fixed_point_bus_string(const int64_t* raw, int feature_count, const FixedPointFormat& format)
{
    std::string bus;
    bus.reserve(static_cast<size_t>(feature_count) * static_cast<size_t>(format.bits));
    for (int feature = feature_count - 1; feature >= 0; --feature) {
        const uint64_t pattern = static_cast<uint64_t>(raw[feature]);
        for (int bit = format.bits - 1; bit >= 0; --bit)
            bus.push_back(((pattern >> bit) & 1u) ? '1' : '0');
    }
    return bus;
}

size_t count_differing_samples(const CodeDataset& first, const CodeDataset& second)
{
    size_t differing = 0;
    const size_t samples = std::min(first.sample_count, second.sample_count);
    for (size_t sample = 0; sample < samples; ++sample) {
        const uint16_t* a = first.sample(sample);
        const uint16_t* b = second.sample(sample);
        for (int feature = 0; feature < first.feature_count; ++feature) {
            if (a[feature] != b[feature]) {
                ++differing;
                break;
            }
        }
    }
    return differing;
}

std::optional<FixedPointFormat> find_narrowest_exact_format(const Model& model, const FeatureTable& features,
                                                            const CodeDataset& float_codes)
{
    // The code starts do not depend on the format, so the quantizer is described once.
    const std::vector<FeatureQuantization> descriptions = describe_input_quantization(model);
    for (int bits = 2; bits <= kMaxFixedPointBits; ++bits) {
        for (int fraction_bits = 0; fraction_bits < bits; ++fraction_bits) {
            const FixedPointFormat format{bits, fraction_bits};
            const InputEncoder encoder = build_input_encoder(descriptions, model.input_quantizer.format, format);
            if (count_differing_samples(encode_features(encoder, to_fixed_point(features, format)), float_codes) == 0)
                return format;
        }
    }
    return std::nullopt;
}

} // namespace lutgen
