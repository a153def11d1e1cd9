// Disagreements between the architecture and the checkpoint's tensors name the layer and the numbers.
#include "arch/architecture.hpp"
#include "base/error.hpp"
#include "checkpoint/state_dict.hpp"
#include "importers/logicnets_importer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace lutgen {
namespace {

std::string import_error(const std::string& arch_json)
{
    const StateDict state_dict = read_checkpoint(test::data_dir() / "jsc_s_digits" / "best_accuracy.pth");
    try {
        import_logicnets(state_dict, architecture_from_json(arch_json, "arch.json"), InputOrder::Ascending);
    } catch (const Error& error) {
        return error.what();
    }
    return "no error";
}

const char* const kJscS = R"({"hidden_layers": [64, 32, 32, 32], "input_bitwidth": 2, "hidden_bitwidth": 2,
  "output_bitwidth": 2, "input_fanin": 3, "hidden_fanin": 3, "output_fanin": 3})";

TEST(ImportErrors, CorrectArchitectureImports)
{
    EXPECT_EQ(import_error(kJscS), "no error");
}

TEST(ImportErrors, WrongFanInNamesLayerNeuronAndCounts)
{
    const std::string message = import_error(R"({"hidden_layers": [64, 32, 32, 32], "input_bitwidth": 2,
      "hidden_bitwidth": 2, "output_bitwidth": 2, "input_fanin": 4, "hidden_fanin": 3, "output_fanin": 3})");
    EXPECT_NE(message.find("layer 0 neuron 0: the mask connects 3 inputs but the architecture's fan-in is 4"),
              std::string::npos)
        << message;
}

TEST(ImportErrors, WrongHiddenSizeNamesLayerAndSizes)
{
    const std::string message = import_error(R"({"hidden_layers": [64, 32, 16, 32], "input_bitwidth": 2,
      "hidden_bitwidth": 2, "output_bitwidth": 2, "input_fanin": 3, "hidden_fanin": 3, "output_fanin": 3})");
    EXPECT_NE(message.find("layer 2 has 32 neurons but the architecture's hidden_layers[2] is 16"), std::string::npos)
        << message;
}

TEST(ImportErrors, WrongLayerCountNamesBothCounts)
{
    const std::string message = import_error(R"({"hidden_layers": [64, 32, 32], "input_bitwidth": 2,
      "hidden_bitwidth": 2, "output_bitwidth": 2, "input_fanin": 3, "hidden_fanin": 3, "output_fanin": 3})");
    EXPECT_NE(message.find("the checkpoint has 5 layers but the architecture 'arch.json' has 4 (3 hidden)"),
              std::string::npos)
        << message;
}

TEST(ImportErrors, WrongInputLengthNamesNumbers)
{
    const std::string message = import_error(R"({"hidden_layers": [64, 32, 32, 32], "input_bitwidth": 2,
      "hidden_bitwidth": 2, "output_bitwidth": 2, "input_fanin": 3, "hidden_fanin": 3, "output_fanin": 3,
      "input_length": 12})");
    EXPECT_NE(message.find("layer 0 has 16 inputs but the architecture says input_length 12"), std::string::npos)
        << message;
}

TEST(ImportErrors, MissingArchitectureKeyIsNamed)
{
    const std::string message = import_error(R"({"hidden_layers": [64, 32, 32, 32], "input_bitwidth": 2})");
    EXPECT_NE(message.find("missing architecture key: 'hidden_bitwidth'"), std::string::npos) << message;
}

TEST(ImportErrors, MissingScaleAsksForConstantScale)
{
    // iiot_cybernid's input quantizer has no learned scale, so without the override the error requests one.
    const StateDict state_dict = read_checkpoint(test::data_dir() / "iiot_cybernid" / "best_accuracy.pth");
    const Architecture arch = architecture_from_json(R"({"hidden_layers": [128, 32], "input_bitwidth": 1,
      "hidden_bitwidth": 2, "output_bitwidth": 2, "input_fanin": 6, "hidden_fanin": 6, "output_fanin": 7})",
                                                     "arch.json");
    try {
        import_logicnets(state_dict, arch, InputOrder::Descending);
        FAIL() << "import succeeded without a scale for the input quantizer";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("missing tensor (input quantizer learned scale)"), std::string::npos) << message;
        EXPECT_NE(message.find("give a constant scale"), std::string::npos) << message;
    }
}

TEST(ImportErrors, UnknownPresetIsRejected)
{
    try {
        load_architecture("jsc-xl");
        FAIL() << "an unknown preset was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("use jsc-s, jsc-m or jsc-l"), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace lutgen
