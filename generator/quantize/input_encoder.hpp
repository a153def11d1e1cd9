// The input encoder: raw features as signed fixed-point numbers in, input codes out, through
// per-feature comparators against the code starts rounded into the fixed-point format. This is
// the golden model of the RTL front end that `lutgen generate --input-encoder` writes.
#pragma once

#include "model/model.hpp"
#include "quantize/fixed_point.hpp"
#include "quantize/input_quantization.hpp"

#include <cstdint>
#include <vector>

namespace lutgen {

// The feature's code is `code` when raw >= threshold.
struct EncoderComparator {
    int64_t threshold = 0;
    int code = 0;
};

struct EncoderFeature {
    int feature = 0;
    bool reversed = false; // codes fall as the value rises (negative BatchNorm gamma)
    int default_code = 0;  // the code when no comparator is true
    // Ascending thresholds, each in (min_raw, max_raw]. A comparator that is always true is folded
    // into default_code, one that is never true is left out. The last true comparator sets the code.
    std::vector<EncoderComparator> comparators;
};

struct InputEncoder {
    FixedPointFormat format;
    CodeFormat code_format;
    std::vector<EncoderFeature> features;

    int encode(size_t feature, int64_t raw) const;
};

// Rounds every code start t into the format: the comparator raw >= ceil(t * 2^F) is true exactly
// when the fixed-point value raw / 2^F is at or above t. So the encoder's code for a raw value
// is the float quantization of the value raw / 2^F.
InputEncoder build_input_encoder(const Model& model, const FixedPointFormat& format);
// The same from descriptions made once, for trying many formats.
InputEncoder build_input_encoder(const std::vector<FeatureQuantization>& descriptions, const CodeFormat& code_format,
                                 const FixedPointFormat& format);

} // namespace lutgen
