// The bit layout of an integer code on a bus and in a table key.
#pragma once

#include <cstdint>

namespace lutgen {

enum class CodeKind {
    Unsigned, // codes 0 .. 2^bits-1, plain binary
    Signed,   // codes -2^(bits-1) .. 2^(bits-1)-1, offset binary (code + 2^(bits-1))
    Binary,   // 1 bit, codes -1 and +1, written as 0 and 1
};

struct CodeFormat {
    CodeKind kind = CodeKind::Unsigned;
    int bits = 1;

    int min_code() const;
    int max_code() const;
    int state_count() const { return 1 << bits; }

    // The bit pattern of a code, in [0, 2^bits).
    uint32_t pattern(int code) const;
    // The code a bit pattern stands for.
    int code(uint32_t pattern) const;

    bool operator==(const CodeFormat& other) const { return kind == other.kind && bits == other.bits; }
};

const char* code_kind_name(CodeKind kind);

} // namespace lutgen
