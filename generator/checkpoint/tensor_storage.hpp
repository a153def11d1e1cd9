// Storage bookkeeping and conversion of one tensor view to row-major doubles.
#pragma once

#include "checkpoint/pickle_reader.hpp"
#include "checkpoint/state_dict.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lutgen {

// Bytes per element of dtype.
size_t dtype_size(TensorDType dtype);

// Returns the root storage of every key the pickle refers to, after checking that all
// references to one key agree on its dtype and element count.
std::map<std::string, StorageRef> root_storages(const PickleObjects& objects, const std::string& subject);

// Converts the tensor view to doubles in row-major order, honoring its storage offset and
// strides. Throws lutgen::Error, naming the tensor, when the view reaches past the bytes of
// its storage or has more than max_elements elements.
Tensor decode_tensor(const TensorRef& view, const StorageRef& storage, const std::vector<uint8_t>* bytes,
                     const std::string& name, const std::string& subject, int64_t max_elements);

} // namespace lutgen
