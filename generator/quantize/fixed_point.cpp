#include "quantize/fixed_point.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace lutgen {

double FixedPointFormat::resolution() const
{
    return std::ldexp(1.0, -fraction_bits);
}

std::string FixedPointFormat::name() const
{
    return fmt::format("s{}.{}", bits, fraction_bits);
}

namespace {

// Parses a run of up to 3 decimal digits at text[position]. Returns false if there is none or it is longer.
bool parse_digits(const std::string& text, size_t& position, int& value)
{
    const size_t start = position;
    value = 0;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
        if (position - start >= 3)
            return false;
        value = value * 10 + (text[position] - '0');
        ++position;
    }
    return position > start;
}

} // namespace

FixedPointFormat parse_fixed_point_format(const std::string& text, const std::string& subject)
{
    const char* hint = "write s<bits>.<fraction bits>, such as s16.8 for 16 bits with 8 fraction bits";

    FixedPointFormat format;
    size_t position = 1;
    const bool parsed = !text.empty() && text[0] == 's' && parse_digits(text, position, format.bits) &&
                        position < text.size() && text[position++] == '.' &&
                        parse_digits(text, position, format.fraction_bits) && position == text.size();
    if (!parsed)
        throw Error(subject, "invalid fixed-point format", text, hint);

    if (format.bits < 2 || format.bits > kMaxFixedPointBits)
        throw Error(subject, fmt::format("fixed-point bit width out of range 2..{}", kMaxFixedPointBits), text,
                    hint);
    if (format.fraction_bits >= format.bits)
        throw Error(subject, "fixed-point format has no integer bits left for the sign", text,
                    "use fewer fraction bits than bits");
    return format;
}

int64_t to_fixed_point(float value, const FixedPointFormat& format, bool* saturated)
{
    // value * 2^F is exact in double, and std::nearbyint rounds half to even in the default mode.
    const double scaled = std::nearbyint(std::ldexp(static_cast<double>(value), format.fraction_bits));
    bool outside = false;
    int64_t raw = 0;
    if (scaled < static_cast<double>(format.min_raw())) {
        raw = format.min_raw();
        outside = true;
    } else if (scaled > static_cast<double>(format.max_raw())) {
        raw = format.max_raw();
        outside = true;
    } else {
        raw = static_cast<int64_t>(scaled);
    }
    if (saturated)
        *saturated = outside;
    return raw;
}

double from_fixed_point(int64_t raw, const FixedPointFormat& format)
{
    return std::ldexp(static_cast<double>(raw), -format.fraction_bits);
}

} // namespace lutgen
