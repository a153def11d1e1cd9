// The first layer's input quantizer seen per feature: the float path from a raw feature to its
// code, its affine form code = clip(round(x / s + b), min, max), and the feature value at which
// each code begins.
#pragma once

#include "model/model.hpp"

#include <cstddef>
#include <vector>

namespace lutgen {

// Where a code begins as the feature value rises. The code applies from `value` (inclusive) up
// to the next start.
struct CodeStart {
    int code = 0;
    float value = 0.0f;
};

struct FeatureQuantization {
    int feature = 0;
    // code = clip(round(x / scale + bias), min, max), computed in double from the model's float32
    // parameters. The float32 path in quantize_feature() is the exact rule; this is its summary.
    double scale = 0.0;
    double bias = 0.0;
    // A negative BatchNorm gamma makes the scale negative: codes then fall as the feature rises.
    bool reversed = false;
    // The code of the most negative feature values.
    int lowest_value_code = 0;
    // Every code after the first, in ascending order of value. Codes that no float32 value
    // reaches are left out.
    std::vector<CodeStart> code_starts;
};

// The float value after the quantizer's pre-transforms (BatchNorm, then the scalar bias), in
// float32 with PyTorch's rounding.
float transform_feature(const Quantizer& quantizer, size_t feature, float x);

// The code of raw feature value x, as LogicNets computes it.
int quantize_feature(const Quantizer& quantizer, size_t feature, float x);

// True when round(x / s + b) lies outside [min, max], so clip() changed the code.
bool feature_is_clipped(const Quantizer& quantizer, size_t feature, float x);

// Describes every input feature of the model. The code starts are the exact float32 boundaries of
// quantize_feature(), found by bisection over the ordered float32 values. Throws lutgen::Error if
// the model has no input features or the BatchNorm has fewer channels than features.
std::vector<FeatureQuantization> describe_input_quantization(const Model& model);

// The code of x from a description: the last code start at or below x, else the lowest-value code.
// Equals quantize_feature() for every float32 x that is not NaN.
int code_from_starts(const FeatureQuantization& description, double x);

} // namespace lutgen
