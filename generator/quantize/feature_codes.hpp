// The golden path from float features to input codes: the float quantization LogicNets uses, and
// the fixed-point path through the input encoder that the RTL front end implements.
#pragma once

#include "dataset/code_dump.hpp"
#include "model/model.hpp"
#include "quantize/features_csv.hpp"
#include "quantize/fixed_point.hpp"
#include "quantize/input_encoder.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lutgen {

struct QuantizedFeatures {
    CodeDataset codes;
    std::vector<size_t> clipped; // per feature: values where clip() changed round(x / s + b)
};

// Quantizes every feature with the model's input quantizer, as LogicNets computes it.
QuantizedFeatures quantize_features(const Model& model, const FeatureTable& features);

struct FixedPointFeatures {
    FixedPointFormat format;
    int feature_count = 0;
    size_t sample_count = 0;
    std::vector<int64_t> raw;      // sample-major, as FeatureTable::values
    std::vector<size_t> saturated; // per feature: values outside the format's range

    const int64_t* sample(size_t index) const { return raw.data() + index * feature_count; }
};

// Rounds every feature to the nearest fixed-point value (ties to even), saturating at the range.
FixedPointFeatures to_fixed_point(const FeatureTable& features, const FixedPointFormat& format);

// Encodes every sample with the input encoder into input codes.
CodeDataset encode_features(const InputEncoder& encoder, const FixedPointFeatures& features);

// The fixed-point bus of one sample as a binary string: feature i in bits
// [i*bits+bits-1 : i*bits] in two's complement, feature 0 rightmost, as the input dumps are laid out.
std::string fixed_point_bus_string(const int64_t* raw, int feature_count, const FixedPointFormat& format);

// The number of samples whose codes differ in at least one feature.
size_t count_differing_samples(const CodeDataset& first, const CodeDataset& second);

// The format with the fewest bits (then the fewest fraction bits) up to kMaxFixedPointBits whose
// encoder codes equal the float quantization on every sample, or nothing if no format does.
std::optional<FixedPointFormat> find_narrowest_exact_format(const Model& model, const FeatureTable& features,
                                                            const CodeDataset& float_codes);

} // namespace lutgen
