// A restricted unpickler for the object graphs that torch.save writes. It builds inert values
// only: globals must be on an allow-list, REDUCE is interpreted for those globals alone, and
// nothing from the file is ever executed.
#pragma once

#include "checkpoint/state_dict.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lutgen {

using PickleValueId = uint32_t;

enum class PickleKind {
    None,
    Bool,
    Int,
    BigInt, // an integer wider than 64 bits, such as the legacy magic number
    Float,
    String,
    Bytes,
    Tuple,
    List,
    Dict,
    Global,
    Storage,
    Tensor,
    Opaque, // an allow-listed object that state dicts never need, such as a torch.device
};

// The callables and types that GLOBAL and STACK_GLOBAL may name.
enum class PickleGlobal {
    OrderedDict,
    RebuildTensor,
    RebuildTensorV2,
    RebuildParameter,
    RebuildParameterWithState,
    StorageType,
    Device,
    Size,
    NumpyScalar,
    NumpyDType,
};

struct PickleValue {
    PickleKind kind = PickleKind::None;
    // The Int or Bool value, or the index into PickleObjects::storages or ::tensors.
    int64_t integer = 0;
    double real = 0.0;
    // String and Bytes contents, the little-endian two's complement bytes of a BigInt, or the
    // "module.name" of a Global.
    std::string text;
    // Tuple and List elements, or Dict keys and values interleaved in insertion order.
    std::vector<PickleValueId> items;
    PickleGlobal global = PickleGlobal::OrderedDict;
    TensorDType storage_dtype = TensorDType::Float32; // for PickleGlobal::StorageType
};

// One persistent id ('storage', <type>, key, location, numel[, view_metadata]).
struct StorageRef {
    std::string key; // names the root storage: data/<key> in a zip file, the key list in a legacy file
    TensorDType dtype = TensorDType::Float32;
    int64_t root_element_count = 0; // elements of the root storage, as the pickle declares
    int64_t view_offset = 0;        // first element of this view inside the root storage
    int64_t element_count = 0;      // elements of this view
};

// Arguments of torch._utils._rebuild_tensor_v2 and its relatives.
struct TensorRef {
    size_t storage = 0; // index into PickleObjects::storages
    int64_t storage_offset = 0;
    std::vector<int64_t> shape;
    std::vector<int64_t> strides;
};

// Every value of one or more pickles, addressed by PickleValueId. Values refer to each other
// by id, so shared and cyclic references need no ownership.
struct PickleObjects {
    std::vector<PickleValue> values;
    std::vector<StorageRef> storages;
    std::vector<TensorRef> tensors;

    const PickleValue& at(PickleValueId id) const { return values.at(id); }
};

// Unpickles one pickle that starts at data[offset] and ends with STOP, appends its values to
// objects, and returns the top-level value. On return, offset points past STOP. Error messages
// name subject (the checkpoint path) and count offsets from data[0]. They also name part (such
// as "archive/data.pkl") unless it is empty, which means that offsets are file offsets.
PickleValueId read_pickle(const uint8_t* data, size_t size, size_t& offset, PickleObjects& objects,
                          const std::string& subject, const std::string& part);

// Returns the value of the last entry of dict whose key is the string key, or nullptr. Python
// keeps the last of repeated keys too.
const PickleValue* find_string_key(const PickleObjects& objects, const PickleValue& dict, const std::string& key);

} // namespace lutgen
