#include "model/quantizer.hpp"

#include <algorithm>
#include <cmath>

namespace lutgen {

const char* quantizer_kind_name(QuantizerKind kind)
{
    switch (kind) {
    case QuantizerKind::HardTanh: return "hardtanh";
    case QuantizerKind::ReLU: return "relu";
    case QuantizerKind::Binary: return "binary";
    }
    return "unknown";
}

float BatchNorm::apply(size_t channel, float x) const
{
    // PyTorch 1.13's AVX2 eval kernel rounds each multiply-add once, so std::fma reproduces it;
    // separate roundings differ in the last bit on many values.
    const float inverse_std = 1.0f / std::sqrt(running_var[channel] + eps);
    const float alpha = inverse_std * weight[channel];
    const float beta = std::fma(-running_mean[channel], alpha, bias[channel]);
    return std::fma(x, alpha, beta);
}

float Quantizer::int_scale() const
{
    switch (format.kind) {
    case CodeKind::Signed: return static_cast<float>(1 << (format.bits - 1));
    case CodeKind::Unsigned: return static_cast<float>((1 << format.bits) - 1);
    case CodeKind::Binary: return 1.0f;
    }
    return 1.0f;
}

float Quantizer::step() const
{
    return scale_param / int_scale();
}

int Quantizer::min_code() const
{
    // A narrow signed range drops its minimum code, so it stays symmetric.
    if (narrow_range && format.kind == CodeKind::Signed)
        return format.min_code() + 1;
    return format.min_code();
}

int Quantizer::max_code() const
{
    return format.max_code();
}

int Quantizer::quantize(float x) const
{
    if (format.kind == CodeKind::Binary)
        return x >= 0.0f ? 1 : -1;

    // Brevitas divides by the scale first and multiplies by int_scale second, rounding each step
    // to float32; for unsigned codes that differs from dividing by the step in the last bit.
    const float scaled = (x / scale_param) * int_scale();
    const float clamped = std::clamp(scaled, static_cast<float>(min_code()), static_cast<float>(max_code()));
    // std::nearbyint rounds half to even in the default rounding mode, as torch.round does.
    return static_cast<int>(std::nearbyint(clamped));
}

float Quantizer::dequantize(int code) const
{
    return static_cast<float>(code) * step();
}

} // namespace lutgen
