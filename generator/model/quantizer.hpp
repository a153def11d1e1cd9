// A Brevitas activation quantizer as LogicNets uses it: optional pre-transforms (BatchNorm, a scalar
// bias), a scale, and rounding to an integer code.
#pragma once

#include "model/code_format.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lutgen {

enum class QuantizerKind {
    HardTanh, // QuantHardTanh: signed codes
    ReLU,     // QuantReLU: unsigned codes
    Binary,   // 1-bit QuantHardTanh with QuantType.BINARY: codes -1 and +1
};

const char* quantizer_kind_name(QuantizerKind kind);

// BatchNorm1d in eval mode, one entry per channel.
struct BatchNorm {
    std::vector<float> weight;
    std::vector<float> bias;
    std::vector<float> running_mean;
    std::vector<float> running_var;
    float eps = 1e-5f;

    size_t channels() const { return weight.size(); }
    // Folds the statistics into out = x * alpha + beta, in float32, as PyTorch's CPU kernel does.
    float apply(size_t channel, float x) const;
};

struct Quantizer {
    QuantizerKind kind = QuantizerKind::HardTanh;
    CodeFormat format;
    bool narrow_range = false;
    // scale_param is 2^learned_log2 (clamped below at 2^-16) for a learned scale, or a constant.
    float scale_param = 1.0f;
    std::optional<float> learned_log2;
    std::optional<BatchNorm> batchnorm; // pre_transforms.0
    std::optional<float> scalar_bias;   // pre_transforms.1.bias, first-layer input only

    // 2^(b-1) for signed codes, 2^b - 1 for unsigned, 1 for binary.
    float int_scale() const;
    // The float value one code step stands for: scale_param / int_scale.
    float step() const;
    int min_code() const;
    int max_code() const;
    // The code of an already transformed value:
    // round_half_even(clamp((x / scale_param) * int_scale, min, max)).
    int quantize(float x) const;
    // The float value the next layer receives for a code: code * step, in float32.
    float dequantize(int code) const;
};

} // namespace lutgen
