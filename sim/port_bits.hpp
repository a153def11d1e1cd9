// Conversion between bus values as binary text (MSB first) and Verilated port variables.
//
// Verilator stores a port of up to 8 bits as CData, up to 16 as SData, up to 32 as IData, up to
// 64 as QData, and wider ports as VlWide<words>, an array of 32-bit words with word 0 holding
// bits 31..0. The templates below pick the access at compile time, so the harness stays generic
// over the port types of the top module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace lutgen_sim {

using Word = std::uint32_t;

constexpr int word_count(int width) { return (width + 31) / 32; }

// Parses `width` characters of '0'/'1' (MSB first) into little-endian 32-bit words.
// Returns false on any other character.
inline bool parse_binary(const char* text, int width, Word* words)
{
    for (int word = 0; word < word_count(width); ++word) {
        const int low_bit = word * 32;
        const int high_bit = low_bit + 32 < width ? low_bit + 31 : width - 1;

        // Bit b of the bus is character width-1-b of the text.
        Word value = 0;
        unsigned invalid = 0;
        for (int bit = high_bit; bit >= low_bit; --bit) {
            const unsigned digit = static_cast<unsigned char>(text[width - 1 - bit]) - '0';
            invalid |= digit;
            value = (value << 1) | (digit & 1u);
        }
        if (invalid > 1)
            return false;
        words[word] = value;
    }
    return true;
}

// Writes `width` characters of '0'/'1' (MSB first) for the little-endian words.
inline void format_binary(const Word* words, int width, char* text)
{
    for (int bit = 0; bit < width; ++bit)
        text[width - 1 - bit] = static_cast<char>('0' + ((words[bit >> 5] >> (bit & 31)) & 1u));
}

template <typename Port>
void store_port(Port& port, const Word* words, int width)
{
    if constexpr (std::is_integral_v<Port>) {
        std::uint64_t value = words[0];
        if (width > 32)
            value |= static_cast<std::uint64_t>(words[1]) << 32;
        port = static_cast<Port>(value);
    } else {
        // VlWide converts to a pointer to its first word.
        constexpr int port_words = static_cast<int>(sizeof(Port) / sizeof(Word));
        static_assert(port_words * sizeof(Word) == sizeof(Port), "unexpected wide port layout");
        for (int word = 0; word < port_words; ++word)
            port[word] = word < word_count(width) ? words[word] : 0;
    }
}

template <typename Port>
void load_port(const Port& port, int width, Word* words)
{
    if constexpr (std::is_integral_v<Port>) {
        const std::uint64_t value = static_cast<std::uint64_t>(port);
        words[0] = static_cast<Word>(value);
        if (width > 32)
            words[1] = static_cast<Word>(value >> 32);
    } else {
        for (int word = 0; word < word_count(width); ++word)
            words[word] = port[word];
    }
}

} // namespace lutgen_sim
