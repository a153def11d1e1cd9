// A PyTorch state dict as read from a checkpoint file: tensor name to shape and values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lutgen {

enum class TensorDType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

const char* dtype_name(TensorDType dtype);

struct Tensor {
    TensorDType dtype = TensorDType::Float32;
    std::vector<int64_t> shape; // empty for a scalar
    // Every element in row-major order, converted to double. float32, float16 and integers
    // up to 2^53 convert exactly, so a float32 value round-trips through static_cast<float>.
    std::vector<double> values;

    int64_t element_count() const;
};

enum class CheckpointContainer { Zip, Legacy };

struct StateDict {
    std::filesystem::path source;          // the checkpoint file, for error messages
    CheckpointContainer container = CheckpointContainer::Zip;
    bool wrapped_in_model_dict = false;    // true for {'model_dict': ...} training checkpoints
    std::map<std::string, Tensor> tensors; // sorted by name, so iteration is deterministic
};

// Reads a PyTorch checkpoint in the zip container (PyTorch >= 1.6) or the legacy container
// (PyTorch < 1.6). Accepts a bare state dict or a dict whose 'model_dict' entry is one.
// Nothing in the file is executed: only the pickle opcodes and globals that state dicts use are
// accepted. Throws lutgen::Error on anything else.
StateDict read_checkpoint(const std::filesystem::path& path);

// Same for a checkpoint already in memory, such as a fuzzer input; source_name names it in
// error messages and in StateDict::source.
StateDict read_checkpoint_from_memory(const uint8_t* data, size_t size, const std::string& source_name);

} // namespace lutgen
