// NeuraLUT models of widths 16 and 5 against the numpy reference.
#include "lut_family_zoo.hpp"

namespace lutgen {
namespace {

using test::LutFamilyZoo;

class NeuraLutZoo : public LutFamilyZoo {};

TEST_P(NeuraLutZoo, TablesEqualReference)
{
    expect_tables_equal_reference();
}

TEST_P(NeuraLutZoo, GoldenEqualsReferenceCodes)
{
    expect_golden_equals_reference();
}

INSTANTIATE_TEST_SUITE_P(NeuraLutZoo, NeuraLutZoo, testing::Values("neuralut_w16", "neuralut_w5"));

} // namespace
} // namespace lutgen
