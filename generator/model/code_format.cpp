#include "model/code_format.hpp"

#include "base/error.hpp"

namespace lutgen {

int CodeFormat::min_code() const
{
    switch (kind) {
    case CodeKind::Unsigned: return 0;
    case CodeKind::Signed: return -(1 << (bits - 1));
    case CodeKind::Binary: return -1;
    }
    return 0;
}

int CodeFormat::max_code() const
{
    switch (kind) {
    case CodeKind::Unsigned: return (1 << bits) - 1;
    case CodeKind::Signed: return (1 << (bits - 1)) - 1;
    case CodeKind::Binary: return 1;
    }
    return 0;
}

uint32_t CodeFormat::pattern(int code) const
{
    switch (kind) {
    case CodeKind::Unsigned: return static_cast<uint32_t>(code);
    case CodeKind::Signed: return static_cast<uint32_t>(code + (1 << (bits - 1)));
    case CodeKind::Binary: return code > 0 ? 1u : 0u;
    }
    return 0;
}

int CodeFormat::code(uint32_t pattern) const
{
    switch (kind) {
    case CodeKind::Unsigned: return static_cast<int>(pattern);
    case CodeKind::Signed: return static_cast<int>(pattern) - (1 << (bits - 1));
    case CodeKind::Binary: return pattern ? 1 : -1;
    }
    return 0;
}

const char* code_kind_name(CodeKind kind)
{
    switch (kind) {
    case CodeKind::Unsigned: return "unsigned";
    case CodeKind::Signed: return "signed";
    case CodeKind::Binary: return "binary";
    }
    return "unknown";
}

} // namespace lutgen
