#include "tables/torch_arithmetic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace lutgen {

namespace {

constexpr size_t kLanes = 8;     // Vectorized<float>::size() with AVX2
constexpr size_t kIlpFactor = 4; // accumulators of row_sum
constexpr int kLevels = 4;       // cascade levels of multi_row_sum

int ceil_log2(size_t value)
{
    int bits = 0;
    while ((size_t{1} << bits) < value)
        ++bits;
    return bits;
}

// One accumulator: a scalar or an 8-lane vector, added lane by lane.
template <size_t Width>
using Accumulator = std::array<float, Width>;

template <size_t Width>
void add_into(Accumulator<Width>& sum, const Accumulator<Width>& value)
{
    for (size_t lane = 0; lane < Width; ++lane)
        sum[lane] += value[lane];
}

// PyTorch's multi_row_sum: kIlpFactor interleaved rows, summed in a cascade of kLevels levels so
// that long rows lose less precision. `load(i, k)` returns element k of step i.
template <size_t Width, typename Load>
std::array<Accumulator<Width>, kIlpFactor> multi_row_sum(size_t size, const Load& load)
{
    const int level_power = std::max(4, ceil_log2(size) / kLevels);
    const size_t level_step = size_t{1} << level_power;
    const size_t level_mask = level_step - 1;

    std::array<std::array<Accumulator<Width>, kIlpFactor>, kLevels> acc{};
    size_t i = 0;
    while (i + level_step <= size) {
        for (size_t j = 0; j < level_step; ++j, ++i)
            for (size_t k = 0; k < kIlpFactor; ++k)
                add_into(acc[0][k], load(i, k));
        for (int j = 1; j < kLevels; ++j) {
            for (size_t k = 0; k < kIlpFactor; ++k) {
                add_into(acc[j][k], acc[j - 1][k]);
                acc[j - 1][k] = Accumulator<Width>{};
            }
            if ((i & (level_mask << (j * level_power))) != 0)
                break;
        }
    }
    for (; i < size; ++i)
        for (size_t k = 0; k < kIlpFactor; ++k)
            add_into(acc[0][k], load(i, k));
    for (int j = 1; j < kLevels; ++j)
        for (size_t k = 0; k < kIlpFactor; ++k)
            add_into(acc[0][k], acc[j][k]);
    return acc[0];
}

// PyTorch's row_sum over `size` elements of width Width.
template <size_t Width, typename Load>
Accumulator<Width> row_sum(size_t size, const Load& element)
{
    const size_t size_ilp = size / kIlpFactor;
    std::array<Accumulator<Width>, kIlpFactor> partial{};
    if (size_ilp > 0)
        partial = multi_row_sum<Width>(size_ilp, [&](size_t i, size_t k) { return element(i * kIlpFactor + k); });
    for (size_t i = size_ilp * kIlpFactor; i < size; ++i)
        add_into(partial[0], element(i));
    for (size_t k = 1; k < kIlpFactor; ++k)
        add_into(partial[0], partial[k]);
    return partial[0];
}

} // namespace

float round_to_float16(float x)
{
    if (!std::isfinite(x) || x == 0.0f)
        return x;
    const float magnitude = std::fabs(x);
    if (magnitude >= 65520.0f) // halfway between the largest float16 (65504) and 2^16
        return std::copysign(INFINITY, x);

    // float16 keeps 11 significant bits; below 2^-14 its spacing stays 2^-24 (subnormals).
    int exponent = 0;
    std::frexp(magnitude, &exponent);
    const int quantum_exponent = std::max(exponent - 11, -24);
    const float rounded = std::ldexp(std::nearbyint(std::ldexp(magnitude, -quantum_exponent)), quantum_exponent);
    return std::copysign(rounded, x);
}

float torch_row_sum(const float* values, size_t count)
{
    if (count < kLanes) {
        const Accumulator<1> sum = row_sum<1>(count, [&](size_t i) { return Accumulator<1>{values[i]}; });
        return sum[0];
    }

    const size_t vectors = count / kLanes;
    const Accumulator<kLanes> lanes = row_sum<kLanes>(vectors, [&](size_t i) {
        Accumulator<kLanes> vector;
        std::copy(values + i * kLanes, values + (i + 1) * kLanes, vector.begin());
        return vector;
    });
    float sum = 0.0f;
    for (size_t i = vectors * kLanes; i < count; ++i)
        sum += values[i];
    for (float lane : lanes)
        sum += lane;
    return sum;
}

} // namespace lutgen
