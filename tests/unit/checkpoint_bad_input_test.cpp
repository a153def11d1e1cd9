// Damaged, hostile and unsupported checkpoints: each must raise lutgen::Error with a message that
// names the problem, and never crash, hang or run anything.
#include "base/error.hpp"
#include "checkpoint/state_dict.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace lutgen {
namespace {

const std::filesystem::path kCheckpoints = std::filesystem::path(LUTGEN_SOURCE_DIR) / "tests" / "data" / "checkpoints";

std::string read_bytes(const std::filesystem::path& path)
{
    std::ifstream stream(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

// Returns the message of the lutgen::Error that reading path raises, or "" with a test failure
// when it raises nothing.
std::string read_error(const std::filesystem::path& path)
{
    try {
        read_checkpoint(path);
    } catch (const Error& error) {
        EXPECT_EQ(path.string(), error.subject());
        return error.what();
    }
    ADD_FAILURE() << "reading " << path << " did not throw lutgen::Error";
    return "";
}

// Pickle building blocks for hand-written legacy checkpoints.
std::string le_bytes(uint64_t value, size_t count)
{
    std::string bytes;
    for (size_t i = 0; i < count; ++i)
        bytes += char((value >> (8 * i)) & 0xff);
    return bytes;
}

std::string unicode(const std::string& text)
{
    return "X" + le_bytes(text.size(), 4) + text;
}

std::string int1(int value)
{
    return "K" + std::string(1, char(value));
}

const std::string kProto2 = "\x80\x02";

// Magic number, protocol version 1001 and an empty system info dict, as the legacy writer puts
// them before the object pickle.
const std::string kLegacyHeader = kProto2 + "\x8a\x0a" + "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19" + "." + kProto2 +
                                  "M" + le_bytes(1001, 2) + "." + kProto2 + "}.";

// The key list ['0'] followed by one storage of element_count float32 values 1, 2, 3, ...
std::string storage_section(uint64_t element_count, uint64_t written_count)
{
    std::string section = kProto2 + "(" + unicode("0") + "l.";
    section += le_bytes(element_count, 8);
    for (uint64_t i = 0; i < written_count; ++i) {
        float value = float(i + 1);
        uint32_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        section += le_bytes(bits, 4);
    }
    return section;
}

// {'w': _rebuild_tensor_v2(<FloatStorage '0' of storage_numel>, offset, shape, strides, False, {})}
std::string tensor_pickle(int storage_numel, const std::string& offset, const std::string& shape,
                          const std::string& strides)
{
    std::string pickle = kProto2 + "}" + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n(";
    pickle += "(" + unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + int1(storage_numel) +
              "tQ";
    pickle += offset + shape + strides + "\x89}tRs.";
    return pickle;
}

class CheckpointBadInput : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory_ = std::filesystem::temp_directory_path() /
                     ("lutgen_checkpoint_test_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(directory_);
    }

    void TearDown() override { std::filesystem::remove_all(directory_); }

    // Rewrites the file in place and then cuts it to size. On ext4, truncating to zero before
    // each write made the sweeps below about 80 times slower, because ext4 flushes such files.
    std::filesystem::path write(const std::string& name, const std::string& bytes)
    {
        std::filesystem::path path = directory_ / name;
        if (!std::filesystem::exists(path))
            std::ofstream(path, std::ios::binary);
        {
            std::fstream stream(path, std::ios::binary | std::ios::in | std::ios::out);
            stream.write(bytes.data(), std::streamsize(bytes.size()));
        }
        std::filesystem::resize_file(path, bytes.size());
        return path;
    }

    std::filesystem::path directory_;
};

TEST_F(CheckpointBadInput, HandWrittenLegacyCheckpointDecodes)
{
    // The hand-built pickles below are valid apart from the one field each test breaks.
    std::string shape = int1(2) + int1(2) + "\x86";
    std::string strides = int1(1) + int1(2) + "\x86";
    StateDict state =
        read_checkpoint(write("valid.pth", kLegacyHeader + tensor_pickle(4, int1(0), shape, strides) + storage_section(4, 4)));
    ASSERT_EQ(1u, state.tensors.size());
    EXPECT_EQ((std::vector<int64_t>{2, 2}), state.tensors.at("w").shape);
    EXPECT_EQ((std::vector<double>{1, 3, 2, 4}), state.tensors.at("w").values);
    EXPECT_FALSE(state.wrapped_in_model_dict);
}

TEST_F(CheckpointBadInput, ForbiddenGlobalIsRejectedByName)
{
    for (const char* name : {"bad_forbidden_global_zip.pth", "bad_forbidden_global_legacy.pth"}) {
        std::string message = read_error(kCheckpoints / name);
        EXPECT_NE(std::string::npos, message.find("unsupported pickle global")) << message;
        EXPECT_NE(std::string::npos, message.find("'os.system'")) << message;
        EXPECT_NE(std::string::npos, message.find("torch.save(model.state_dict(), path)")) << message;
    }
}

TEST_F(CheckpointBadInput, WholeModelIsRejectedByClassName)
{
    std::string message = read_error(kCheckpoints / "bad_whole_model.pth");
    EXPECT_NE(std::string::npos, message.find("'torch.nn.modules.linear.Linear'")) << message;
}

TEST_F(CheckpointBadInput, StorageTooSmallNamesTensor)
{
    std::string message = read_error(kCheckpoints / "bad_storage_too_small.pth");
    EXPECT_NE(std::string::npos, message.find("tensor 'fc.weight' needs more bytes than its storage '0' holds (10): '48'"))
        << message;

    // A view reaching past its storage: shape (3, 2) with strides (2, 1) needs 6 elements of 4.
    std::string shape = int1(3) + int1(2) + "\x86";
    std::string strides = int1(2) + int1(1) + "\x86";
    message = read_error(write("short.pth", kLegacyHeader + tensor_pickle(4, int1(0), shape, strides) + storage_section(4, 4)));
    EXPECT_NE(std::string::npos, message.find("tensor 'w' needs more bytes than its storage '0' holds (16): '24'")) << message;
}

TEST_F(CheckpointBadInput, MissingStorageNamesTensor)
{
    std::string message = read_error(kCheckpoints / "bad_missing_storage.pth");
    EXPECT_NE(std::string::npos, message.find("storage of tensor 'fc.weight' is missing from the checkpoint: '0'"))
        << message;
}

TEST_F(CheckpointBadInput, HugeShapeIsRejectedBeforeAllocating)
{
    // Shape (2^62, 2^62) overflows 64-bit element counts and must not be allocated.
    std::string huge = "\x8a\x08" + le_bytes(uint64_t(1) << 62, 8);
    std::string shape = huge + huge + "\x86";
    std::string strides = int1(1) + int1(1) + "\x86";
    std::string message =
        read_error(write("huge.pth", kLegacyHeader + tensor_pickle(4, int1(0), shape, strides) + storage_section(4, 4)));
    EXPECT_NE(std::string::npos, message.find("has more elements than")) << message;

    // A huge stride on a small shape overflows the storage extent instead.
    shape = int1(2) + "\x85";
    strides = huge + "\x85";
    message = read_error(write("stride.pth", kLegacyHeader + tensor_pickle(4, int1(0), shape, strides) + storage_section(4, 4)));
    EXPECT_NE(std::string::npos, message.find("tensor 'w' needs")) << message;
}

TEST_F(CheckpointBadInput, NegativeOffsetIsRejected)
{
    std::string offset = "J" + le_bytes(uint32_t(-1), 4);
    std::string message = read_error(
        write("negative.pth", kLegacyHeader + tensor_pickle(4, offset, int1(2) + "\x85", int1(1) + "\x85") + storage_section(4, 4)));
    EXPECT_NE(std::string::npos, message.find("negative tensor storage offset")) << message;
}

TEST_F(CheckpointBadInput, LegacyStorageCountMismatchIsRejected)
{
    std::string pickle = tensor_pickle(4, int1(0), int1(4) + "\x85", int1(1) + "\x85");
    std::string message = read_error(write("count.pth", kLegacyHeader + pickle + storage_section(3, 3)));
    EXPECT_NE(std::string::npos, message.find("storage '0' holds a different element count than the pickle declares (4): '3'")) << message;

    message = read_error(write("cut.pth", kLegacyHeader + pickle + storage_section(4, 3)));
    EXPECT_NE(std::string::npos, message.find("truncated checkpoint: storage '0' needs 4 elements")) << message;
}

TEST_F(CheckpointBadInput, WrongMagicNumberIsRejected)
{
    std::string bytes = read_bytes(kCheckpoints / "legacy_state_dict.pth");
    ASSERT_GT(bytes.size(), 8u);
    bytes[5] = char(bytes[5] ^ 0x01);
    std::string message = read_error(write("magic.pth", bytes));
    EXPECT_NE(std::string::npos,
              message.find("not a PyTorch checkpoint (neither a zip archive nor a legacy magic number)"))
        << message;

    message = read_error(write("text.pth", "hello, world\n"));
    EXPECT_NE(std::string::npos, message.find("not a PyTorch checkpoint")) << message;
    EXPECT_NE(std::string::npos, message.find("'68 65 6c 6c'")) << message;

    message = read_error(write("empty.pth", ""));
    EXPECT_NE(std::string::npos, message.find("'empty file'")) << message;

    message = read_error(directory_ / "missing.pth");
    EXPECT_NE(std::string::npos, message.find("checkpoint not found")) << message;
}

TEST_F(CheckpointBadInput, TruncatedPickleReportsOffset)
{
    std::string bytes = read_bytes(kCheckpoints / "legacy_state_dict.pth");
    std::string message = read_error(write("cut.pth", bytes.substr(0, 20)));
    EXPECT_NE(std::string::npos, message.find("truncated pickle: expected 1 bytes at offset 20")) << message;

    // A string length far past the end of the file must not be allocated.
    message = read_error(write("long_string.pth", kLegacyHeader + kProto2 + "X" + le_bytes(0xffffffffu, 4) + "abc"));
    EXPECT_NE(std::string::npos, message.find("truncated pickle: expected 4294967295 bytes")) << message;
    message = read_error(write("long_bytes.pth", kLegacyHeader + kProto2 + "\x8e" + le_bytes(uint64_t(1) << 63, 8)));
    EXPECT_NE(std::string::npos, message.find("truncated pickle")) << message;
}

TEST_F(CheckpointBadInput, EveryTruncationRaisesError)
{
    for (const char* name : {"legacy_model_dict.pth", "zip_model_dict.pth"}) {
        std::string bytes = read_bytes(kCheckpoints / name);
        ASSERT_FALSE(bytes.empty()) << name;
        for (size_t length = 0; length < bytes.size(); ++length) {
            std::string message = read_error(write("cut.pth", bytes.substr(0, length)));
            ASSERT_FALSE(message.empty()) << name << " cut at " << length;
        }
    }
}

TEST_F(CheckpointBadInput, CorruptedBytesNeverCrash)
{
    // Flip every byte of each checkpoint in turn. Some flips only change a value, so success is
    // allowed; anything other than lutgen::Error fails the test.
    for (const char* name : {"legacy_model_dict.pth", "zip_model_dict.pth"}) {
        std::string bytes = read_bytes(kCheckpoints / name);
        ASSERT_FALSE(bytes.empty()) << name;
        size_t rejected = 0;
        for (size_t i = 0; i < bytes.size(); ++i) {
            std::string corrupted = bytes;
            corrupted[i] = char(corrupted[i] ^ 0xff);
            try {
                read_checkpoint(write("corrupt.pth", corrupted));
            } catch (const Error&) {
                ++rejected;
            }
        }
        EXPECT_GT(rejected, bytes.size() / 10) << name;
    }
}

TEST_F(CheckpointBadInput, CompressedEntryIsRejected)
{
    std::string message = read_error(kCheckpoints / "bad_compressed_entry.pth");
    EXPECT_NE(std::string::npos, message.find("zip entry is compressed")) << message;
    EXPECT_NE(std::string::npos, message.find("'archive/data.pkl'")) << message;
}

TEST_F(CheckpointBadInput, NoTensorsListsTopLevelKeys)
{
    std::string message = read_error(kCheckpoints / "bad_no_tensors.pth");
    EXPECT_NE(std::string::npos,
              message.find("no tensors found: expected a state dict or a dict with a 'model_dict' entry"))
        << message;
    EXPECT_NE(std::string::npos, message.find("'epoch, val_accuracy'")) << message;
}

TEST_F(CheckpointBadInput, PickleResourceLimitsHold)
{
    // 5000 nested marks exceed the mark depth limit.
    std::string message = read_error(write("marks.pth", kLegacyHeader + kProto2 + std::string(5000, '(') + "."));
    EXPECT_NE(std::string::npos, message.find("pickle nests too many marks at offset")) << message;
    EXPECT_NE(std::string::npos, message.find(": 'more than 4096'")) << message;

    message = read_error(write("memo.pth", kLegacyHeader + kProto2 + "h\x07."));
    EXPECT_NE(std::string::npos, message.find("memo entry read before it was stored at offset 27: '7'")) << message;

    message = read_error(write("opcode.pth", kLegacyHeader + kProto2 + "I12\n."));
    EXPECT_NE(std::string::npos, message.find("unsupported pickle opcode")) << message;
    EXPECT_NE(std::string::npos, message.find("'0x49'")) << message;

    message = read_error(write("underflow.pth", kLegacyHeader + kProto2 + "a."));
    EXPECT_NE(std::string::npos, message.find("stack underflow")) << message;

    // REDUCE on a storage type would construct a storage from arbitrary arguments.
    message = read_error(write("call.pth", kLegacyHeader + kProto2 + "ctorch\nFloatStorage\n)R."));
    EXPECT_NE(std::string::npos, message.find("unsupported pickle call")) << message;
    EXPECT_NE(std::string::npos, message.find("'torch.FloatStorage'")) << message;
}

} // namespace
} // namespace lutgen
