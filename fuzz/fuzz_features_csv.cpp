// Fuzz target: the float features CSV reader. The reader takes a path, so each input is written
// to an in-memory file (memfd) and read back through /proc/self/fd, which keeps the disk out of
// the loop. The first byte chooses the expected feature count (1 to 32) and whether labels are
// required; the rest is the CSV text.
#include "base/error.hpp"
#include "quantize/features_csv.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int memory_file()
{
    static const int fd = [] {
        const int created = memfd_create("fuzz_features.csv", 0);
        if (created < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return created;
    }();
    return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const int fd = memory_file();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != ssize_t(size - 1))
        std::abort();

    lutgen::FeatureCsvOptions options;
    options.expected_features = 1 + data[0] % 32;
    options.require_labels = (data[0] & 0x80) != 0;
    try {
        lutgen::read_features_csv("/proc/self/fd/" + std::to_string(fd), options);
    } catch (const lutgen::Error&) {
    }
    return 0;
}
