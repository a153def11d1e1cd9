// The two file layouts that torch.save writes, each reduced to one unpickled object graph and
// the bytes of every storage it refers to.
#pragma once

#include "checkpoint/pickle_reader.hpp"
#include "checkpoint/state_dict.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lutgen {

struct RawCheckpoint {
    CheckpointContainer container = CheckpointContainer::Zip;
    PickleObjects objects;
    PickleValueId root = 0;
    // Little-endian bytes of each root storage by key. A key that the pickle refers to but the
    // file lacks has no entry here; decoding a tensor on it fails.
    std::map<std::string, std::vector<uint8_t>> storage_bytes;
};

// Reads the zip layout of PyTorch 1.6 and later, where <archive>/data.pkl contains the object
// pickle and <archive>/data/<key> the raw bytes of each storage.
RawCheckpoint read_zip_checkpoint(const std::filesystem::path& path);
// Same for a file already in memory; subject names it in error messages.
RawCheckpoint read_zip_checkpoint(const uint8_t* data, size_t size, const std::string& subject);

// Reads the legacy layout of PyTorch before 1.6 from the whole file. It is a sequence of pickles
// (magic number, protocol version, system info, the object, the sorted storage keys). For each
// key, an 8-byte little-endian element count and the storage bytes follow.
RawCheckpoint read_legacy_checkpoint(const uint8_t* data, size_t size, const std::string& subject);

} // namespace lutgen
