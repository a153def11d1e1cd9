#include "quantize/input_quantization.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace lutgen {

namespace {

// Maps a float to an integer that orders like the float value (-0 and +0 both map to 0).
int64_t ordered_key(float value)
{
    int32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits >= 0 ? bits : -static_cast<int64_t>(bits & 0x7fffffff);
}

float float_from_key(int64_t key)
{
    const uint32_t bits = key >= 0 ? static_cast<uint32_t>(key) : (static_cast<uint32_t>(-key) | 0x80000000u);
    float value = 0.0f;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// The smallest finite float32 at which `reached` becomes true, or +infinity if it never does.
// `reached` must be monotone: false below some value, true from there on.
template <typename Predicate>
float first_value_where(Predicate reached)
{
    int64_t low = ordered_key(-FLT_MAX);
    int64_t high = ordered_key(FLT_MAX);
    if (reached(float_from_key(low)))
        return -FLT_MAX;
    if (!reached(float_from_key(high)))
        return INFINITY;

    // Invariant: reached(low) is false and reached(high) is true.
    while (high - low > 1) {
        const int64_t middle = low + (high - low) / 2;
        if (reached(float_from_key(middle)))
            high = middle;
        else
            low = middle;
    }
    return float_from_key(high);
}

// The codes a quantizer can produce, ascending.
std::vector<int> quantizer_levels(const Quantizer& quantizer)
{
    if (quantizer.format.kind == CodeKind::Binary)
        return {-1, 1};
    std::vector<int> levels;
    for (int code = quantizer.min_code(); code <= quantizer.max_code(); ++code)
        levels.push_back(code);
    return levels;
}

float feature_slope(const Quantizer& quantizer, size_t feature)
{
    if (!quantizer.batchnorm)
        return 1.0f;
    const BatchNorm& norm = *quantizer.batchnorm;
    return 1.0f / std::sqrt(norm.running_var[feature] + norm.eps) * norm.weight[feature];
}

} // namespace

float transform_feature(const Quantizer& quantizer, size_t feature, float x)
{
    float u = quantizer.batchnorm ? quantizer.batchnorm->apply(feature, x) : x;
    if (quantizer.scalar_bias)
        u = u + *quantizer.scalar_bias;
    return u;
}

int quantize_feature(const Quantizer& quantizer, size_t feature, float x)
{
    return quantizer.quantize(transform_feature(quantizer, feature, x));
}

bool feature_is_clipped(const Quantizer& quantizer, size_t feature, float x)
{
    if (quantizer.format.kind == CodeKind::Binary)
        return false;
    const float u = transform_feature(quantizer, feature, x);
    const float rounded = std::nearbyint((u / quantizer.scale_param) * quantizer.int_scale());
    return rounded < static_cast<float>(quantizer.min_code()) || rounded > static_cast<float>(quantizer.max_code());
}

std::vector<FeatureQuantization> describe_input_quantization(const Model& model)
{
    const Quantizer& quantizer = model.input_quantizer;
    if (model.input_count < 1)
        throw Error("model", "no input features", std::to_string(model.input_count), "pass a model with inputs");
    if (quantizer.batchnorm && quantizer.batchnorm->channels() < static_cast<size_t>(model.input_count))
        throw Error("input quantizer", fmt::format("BatchNorm has fewer channels than the {} inputs", model.input_count),
                    std::to_string(quantizer.batchnorm->channels()), "re-import the model");

    const std::vector<int> levels = quantizer_levels(quantizer);
    const double step = static_cast<double>(quantizer.step());
    const double scalar_bias = quantizer.scalar_bias ? static_cast<double>(*quantizer.scalar_bias) : 0.0;

    std::vector<FeatureQuantization> features;
    for (int index = 0; index < model.input_count; ++index) {
        const size_t feature = static_cast<size_t>(index);
        FeatureQuantization description;
        description.feature = index;

        // The affine summary in double: x / s + b = (x * alpha + beta + scalar bias) / step.
        double alpha = 1.0;
        double beta = 0.0;
        if (quantizer.batchnorm) {
            const BatchNorm& norm = *quantizer.batchnorm;
            const double inverse_std = 1.0 / std::sqrt(static_cast<double>(norm.running_var[feature]) +
                                                       static_cast<double>(norm.eps));
            alpha = static_cast<double>(norm.weight[feature]) * inverse_std;
            beta = static_cast<double>(norm.bias[feature]) - static_cast<double>(norm.running_mean[feature]) * alpha;
        }
        description.scale = alpha != 0.0 ? step / alpha : INFINITY;
        description.bias = (beta + scalar_bias) / step;

        const float slope = feature_slope(quantizer, feature);
        description.reversed = slope < 0.0f;
        description.lowest_value_code = quantize_feature(quantizer, feature, -FLT_MAX);
        if (slope == 0.0f) {
            // A zero gamma makes every value the same code.
            description.lowest_value_code = quantize_feature(quantizer, feature, 0.0f);
            features.push_back(std::move(description));
            continue;
        }

        // Codes rise with the value, or fall when the slope is negative; each code after the
        // first begins where the code first reaches it.
        auto code_at = [&](float x) { return quantize_feature(quantizer, feature, x); };
        for (size_t position = 1; position < levels.size(); ++position) {
            const int code = description.reversed ? levels[levels.size() - 1 - position] : levels[position];
            const float start = description.reversed ? first_value_where([&](float x) { return code_at(x) <= code; })
                                                     : first_value_where([&](float x) { return code_at(x) >= code; });
            if (!std::isfinite(start) || start == -FLT_MAX || code_at(start) != code)
                continue;
            description.code_starts.push_back({code, start});
        }
        features.push_back(std::move(description));
    }
    return features;
}

int code_from_starts(const FeatureQuantization& description, double x)
{
    int code = description.lowest_value_code;
    for (const CodeStart& start : description.code_starts)
        if (x >= static_cast<double>(start.value))
            code = start.code;
    return code;
}

} // namespace lutgen
