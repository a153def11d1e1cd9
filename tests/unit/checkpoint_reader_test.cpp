// Decodes real PyTorch checkpoints and compares every tensor with what torch.load returned for
// the same file (tests/reference/make_checkpoint_fixtures.py writes those JSON files).
#include "checkpoint/state_dict.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

namespace lutgen {
namespace {

const std::filesystem::path kData = std::filesystem::path(LUTGEN_SOURCE_DIR) / "tests" / "data";
const std::filesystem::path kCheckpoints = kData / "checkpoints";

nlohmann::json load_json(const std::filesystem::path& path)
{
    std::ifstream stream(path);
    EXPECT_TRUE(stream.good()) << "cannot open " << path;
    return nlohmann::json::parse(stream);
}

// The generator writes the values that JSON cannot hold as "nan", "inf" and "-inf".
double json_value(const nlohmann::json& value)
{
    if (value.is_string()) {
        if (value == "nan")
            return std::nan("");
        return value == "inf" ? INFINITY : -INFINITY;
    }
    return value.get<double>();
}

void expect_same_value(double expected, double actual, const std::string& where)
{
    if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(actual)) << where;
        return;
    }
    EXPECT_EQ(expected, actual) << where;
    EXPECT_EQ(std::signbit(expected), std::signbit(actual)) << where;
}

void expect_matches_torch_load(const std::string& name)
{
    SCOPED_TRACE(name);
    StateDict state = read_checkpoint(kCheckpoints / (name + ".pth"));
    nlohmann::json expected = load_json(kCheckpoints / (name + ".json"));

    EXPECT_EQ(expected["container"] == "zip", state.container == CheckpointContainer::Zip);
    EXPECT_EQ(expected["wrapped_in_model_dict"].get<bool>(), state.wrapped_in_model_dict);
    ASSERT_EQ(expected["tensors"].size(), state.tensors.size());

    for (const auto& [tensor_name, tensor_json] : expected["tensors"].items()) {
        auto found = state.tensors.find(tensor_name);
        ASSERT_NE(found, state.tensors.end()) << "missing tensor " << tensor_name;
        const Tensor& tensor = found->second;
        EXPECT_EQ(tensor_json["dtype"].get<std::string>(), dtype_name(tensor.dtype)) << tensor_name;
        EXPECT_EQ(tensor_json["shape"].get<std::vector<int64_t>>(), tensor.shape) << tensor_name;
        ASSERT_EQ(tensor_json["values"].size(), tensor.values.size()) << tensor_name;
        EXPECT_EQ(int64_t(tensor.values.size()), tensor.element_count()) << tensor_name;
        for (size_t i = 0; i < tensor.values.size(); ++i)
            expect_same_value(json_value(tensor_json["values"][i]), tensor.values[i],
                              tensor_name + "[" + std::to_string(i) + "]");
    }
}

// Real LogicNets checkpoints are too large to store in full, so their summaries hold the first
// values, the last value and the exact sum of every tensor.
void expect_matches_summary(const std::filesystem::path& checkpoint, const std::string& summary_name,
                            CheckpointContainer container)
{
    SCOPED_TRACE(checkpoint.string());
    StateDict state = read_checkpoint(checkpoint);
    nlohmann::json summary = load_json(kCheckpoints / (summary_name + ".summary.json"));

    EXPECT_EQ(container, state.container);
    EXPECT_TRUE(state.wrapped_in_model_dict);
    ASSERT_EQ(summary["tensors"].size(), state.tensors.size());
    for (const auto& [name, expected] : summary["tensors"].items()) {
        auto found = state.tensors.find(name);
        ASSERT_NE(found, state.tensors.end()) << "missing tensor " << name;
        const Tensor& tensor = found->second;
        EXPECT_EQ(expected["dtype"].get<std::string>(), dtype_name(tensor.dtype)) << name;
        EXPECT_EQ(expected["shape"].get<std::vector<int64_t>>(), tensor.shape) << name;
        ASSERT_EQ(int64_t(tensor.values.size()), tensor.element_count()) << name;
        if (tensor.values.empty())
            continue;

        for (size_t i = 0; i < expected["head"].size(); ++i)
            EXPECT_EQ(json_value(expected["head"][i]), tensor.values.at(i)) << name << "[" << i << "]";
        EXPECT_EQ(json_value(expected["last"]), tensor.values.back()) << name;
        double sum = 0.0;
        double magnitude = 0.0;
        for (double value : tensor.values) {
            sum += value;
            magnitude += std::fabs(value);
        }
        EXPECT_NEAR(json_value(expected["sum"]), sum, 1e-12 * (1.0 + magnitude)) << name;
    }
}

TEST(CheckpointReader, ZipStateDictMatchesTorchLoad)
{
    expect_matches_torch_load("zip_state_dict");
}

TEST(CheckpointReader, LegacyStateDictMatchesTorchLoad)
{
    expect_matches_torch_load("legacy_state_dict");
}

TEST(CheckpointReader, Protocol5ZipMatchesTorchLoad)
{
    expect_matches_torch_load("zip_protocol5_state_dict");
}

TEST(CheckpointReader, ZipModelDictMatchesTorchLoad)
{
    expect_matches_torch_load("zip_model_dict");
}

TEST(CheckpointReader, LegacyModelDictMatchesTorchLoad)
{
    expect_matches_torch_load("legacy_model_dict");
}

TEST(CheckpointReader, ViewsHonorOffsetAndStrides)
{
    StateDict state = read_checkpoint(kCheckpoints / "zip_state_dict.pth");
    const Tensor& weight = state.tensors.at("fc.weight");
    const Tensor& transposed = state.tensors.at("fc.weight_transposed");
    ASSERT_EQ((std::vector<int64_t>{3, 4}), weight.shape);
    ASSERT_EQ((std::vector<int64_t>{4, 3}), transposed.shape);
    for (size_t row = 0; row < 3; ++row)
        for (size_t column = 0; column < 4; ++column)
            EXPECT_EQ(weight.values[row * 4 + column], transposed.values[column * 3 + row]);

    // arange(20)[5:15:2] and arange(20).view(4, 5)[1:, 2:4]
    EXPECT_EQ((std::vector<double>{5, 7, 9, 11, 13}), state.tensors.at("line.slice").values);
    EXPECT_EQ((std::vector<double>{7, 8, 12, 13, 17, 18}), state.tensors.at("line.window").values);
    EXPECT_EQ((std::vector<double>{1.5, -2.5, 1.5, -2.5, 1.5, -2.5}), state.tensors.at("line.broadcast").values);
}

TEST(CheckpointReader, ScalarHasEmptyShape)
{
    StateDict state = read_checkpoint(kCheckpoints / "legacy_state_dict.pth");
    const Tensor& scalar = state.tensors.at("scalar");
    EXPECT_TRUE(scalar.shape.empty());
    EXPECT_EQ(1, scalar.element_count());
    EXPECT_EQ(std::vector<double>{3.5}, scalar.values);

    const Tensor& counter = state.tensors.at("bn.num_batches_tracked");
    EXPECT_EQ(TensorDType::Int64, counter.dtype);
    EXPECT_EQ(std::vector<double>{7}, counter.values);

    const Tensor& empty = state.tensors.at("empty");
    EXPECT_EQ((std::vector<int64_t>{0, 3}), empty.shape);
    EXPECT_TRUE(empty.values.empty());
}

TEST(CheckpointReader, ZipAndLegacyDecodeIdentically)
{
    const std::pair<std::filesystem::path, std::filesystem::path> pairs[] = {
        {kCheckpoints / "zip_state_dict.pth", kCheckpoints / "legacy_state_dict.pth"},
        {kCheckpoints / "zip_model_dict.pth", kCheckpoints / "legacy_model_dict.pth"},
        {kData / "jsc_s_digits" / "best_accuracy.pth", kData / "jsc_s_digits" / "best_accuracy_legacy_format.pth"},
    };
    for (const auto& [zip_path, legacy_path] : pairs) {
        SCOPED_TRACE(zip_path.string());
        StateDict zip = read_checkpoint(zip_path);
        StateDict legacy = read_checkpoint(legacy_path);
        EXPECT_EQ(CheckpointContainer::Zip, zip.container);
        EXPECT_EQ(CheckpointContainer::Legacy, legacy.container);
        EXPECT_EQ(zip.wrapped_in_model_dict, legacy.wrapped_in_model_dict);
        ASSERT_EQ(zip.tensors.size(), legacy.tensors.size());

        for (const auto& [name, tensor] : zip.tensors) {
            auto found = legacy.tensors.find(name);
            ASSERT_NE(found, legacy.tensors.end()) << name;
            EXPECT_EQ(tensor.dtype, found->second.dtype) << name;
            EXPECT_EQ(tensor.shape, found->second.shape) << name;
            ASSERT_EQ(tensor.values.size(), found->second.values.size()) << name;
            for (size_t i = 0; i < tensor.values.size(); ++i)
                expect_same_value(tensor.values[i], found->second.values[i], name);
        }
    }
}

TEST(CheckpointReader, JscDigitsMatchesTorchSummary)
{
    expect_matches_summary(kData / "jsc_s_digits" / "best_accuracy.pth", "jsc_s_digits", CheckpointContainer::Zip);
    expect_matches_summary(kData / "jsc_s_digits" / "best_accuracy_legacy_format.pth", "jsc_s_digits",
                           CheckpointContainer::Legacy);
}

TEST(CheckpointReader, IiotCybernidMatchesTorchSummary)
{
    // A PyTorch 1.4 legacy file whose optimizer state is skipped.
    expect_matches_summary(kData / "iiot_cybernid" / "best_accuracy.pth", "iiot_cybernid",
                           CheckpointContainer::Legacy);
}

TEST(CheckpointReader, DTypeNames)
{
    EXPECT_STREQ("float32", dtype_name(TensorDType::Float32));
    EXPECT_STREQ("bfloat16", dtype_name(TensorDType::BFloat16));
    EXPECT_STREQ("uint8", dtype_name(TensorDType::UInt8));
    EXPECT_STREQ("bool", dtype_name(TensorDType::Bool));
}

} // namespace
} // namespace lutgen
