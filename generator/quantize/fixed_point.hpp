// Signed fixed-point numbers, the raw feature format of the RTL input encoder.
#pragma once

#include <cstdint>
#include <string>

namespace lutgen {

// A two's-complement number of `bits` bits whose value is raw / 2^fraction_bits. Written
// "s<bits>.<fraction_bits>": s16.8 is 16 bits with 8 fraction bits, range [-128, 128 - 2^-8].
struct FixedPointFormat {
    int bits = 16;
    int fraction_bits = 8;

    int64_t min_raw() const { return -(int64_t{1} << (bits - 1)); }
    int64_t max_raw() const { return (int64_t{1} << (bits - 1)) - 1; }
    double resolution() const;
    std::string name() const;

    bool operator==(const FixedPointFormat& other) const
    {
        return bits == other.bits && fraction_bits == other.fraction_bits;
    }
};

inline constexpr int kMaxFixedPointBits = 32;

// Parses "s<bits>.<fraction_bits>" with 2 <= bits <= 32 and 0 <= fraction_bits < bits. Throws
// lutgen::Error naming `subject` on anything else.
FixedPointFormat parse_fixed_point_format(const std::string& text, const std::string& subject);

// Converts a float to the nearest raw value, ties to even, saturating at the format's range.
// Sets *saturated when the value was outside the range. NaN is not accepted (callers reject it).
int64_t to_fixed_point(float value, const FixedPointFormat& format, bool* saturated = nullptr);

// The value a raw number stands for, exact in double for every format up to 32 bits.
double from_fixed_point(int64_t raw, const FixedPointFormat& format);

} // namespace lutgen
