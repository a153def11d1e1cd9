// PolyLUT models of degree 3 and 4 against the numpy reference, and the float32 summation order
// that PolyLUT's and NeuraLUT's tables depend on against values torch.sum returned.
#include "lut_family_zoo.hpp"
#include "tables/torch_arithmetic.hpp"

#include <cstring>

namespace lutgen {
namespace {

using test::LutFamilyZoo;

TEST_P(LutFamilyZoo, TablesEqualReference)
{
    expect_tables_equal_reference();
}

TEST_P(LutFamilyZoo, GoldenEqualsReferenceCodes)
{
    expect_golden_equals_reference();
}

INSTANTIATE_TEST_SUITE_P(PolyLutZoo, LutFamilyZoo, testing::Values("polylut_d3", "polylut_d4f2"));

float from_bits(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

TEST(TorchRowSum, EqualsTorchSumForEveryLength)
{
    const nlohmann::json cases =
        nlohmann::json::parse(test::read_text(test::data_dir() / "zoo" / "torch_sum_cases.json"));
    size_t mismatches = 0;
    size_t sequential_differs = 0;
    for (const nlohmann::json& entry : cases) {
        std::vector<float> values;
        for (const nlohmann::json& bits : entry.at("values"))
            values.push_back(from_bits(bits.get<uint32_t>()));
        const float expected = from_bits(entry.at("sum").get<uint32_t>());
        mismatches += torch_row_sum(values.data(), values.size()) != expected;

        float sequential = 0.0f;
        for (float value : values)
            sequential += value;
        sequential_differs += sequential != expected;
    }
    EXPECT_GT(cases.size(), 100u);
    EXPECT_EQ(mismatches, 0u);
    // The cases tell the orders apart: a plain left-to-right sum gets some of them wrong.
    EXPECT_GT(sequential_differs, 10u);
}

TEST(RoundToFloat16, RoundsToNearestEven)
{
    EXPECT_EQ(round_to_float16(1.0f), 1.0f);
    EXPECT_EQ(round_to_float16(1.0f + 1.0f / 4096), 1.0f);                     // half an ulp: to even
    EXPECT_EQ(round_to_float16(1.0f + 6.0f / 4096), 1.0f + 2.0f / 1024);       // 1.5 ulp: to even
    EXPECT_EQ(round_to_float16(1.0f + 3.0f / 4096), 1.0f + 1.0f / 1024);       // 0.75 ulp: up
    EXPECT_EQ(round_to_float16(0.2525421977043152f), 0.25244140625f);           // PolyLUT's input step
    EXPECT_EQ(round_to_float16(-0.2525421977043152f), -0.25244140625f);
    EXPECT_EQ(round_to_float16(3.0e-8f), 5.9604644775390625e-8f);               // subnormal
    EXPECT_EQ(round_to_float16(65519.0f), 65504.0f);
    EXPECT_TRUE(std::isinf(round_to_float16(65520.0f)));
}

} // namespace
} // namespace lutgen
