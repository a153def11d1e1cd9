// The pieces of the Verilator harness build: tool lookup, cache key, manifest checks, cache
// location and the report of a failed build.
#include "verify/verilator_build.hpp"

#include "base/error.hpp"
#include "verify_test_designs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include <stdlib.h>
#include <sys/stat.h>

namespace lutgen {
namespace {

namespace fs = std::filesystem;

class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const char* value) : name_(name)
    {
        if (const char* old = std::getenv(name))
            old_value_ = old;
        if (value)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnvironment()
    {
        if (old_value_)
            setenv(name_, old_value_->c_str(), 1);
        else
            unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_value_;
};

class VerilatorBuildTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "lutgen-build-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }

    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    fs::path root_;
};

const VerilatorTool kVerilator5{"/usr/bin/verilator", "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)"};

TEST_F(VerilatorBuildTest, FindsInstalledVerilator)
{
    const VerilatorTool tool = find_verilator();
    EXPECT_EQ(tool.executable.filename(), "verilator");
    EXPECT_EQ(tool.version.rfind("Verilator ", 0), 0u) << tool.version;
}

TEST_F(VerilatorBuildTest, OldVerilatorIsRejected)
{
    const fs::path fake = root_ / "verilator";
    test::write_file(fake, "#!/bin/sh\necho 'Verilator 4.038 2020-07-11 rev v4.036-114-g0cd4a57ad'\n");
    chmod(fake.c_str(), 0755);

    try {
        find_verilator(fake);
        FAIL() << "no error for Verilator 4.038";
    } catch (const Error& error) {
        EXPECT_EQ(error.what_failed(), "Verilator 5.0 or newer required");
        EXPECT_EQ(error.value(), "Verilator 4.038 2020-07-11 rev v4.036-114-g0cd4a57ad");
    }
}

TEST_F(VerilatorBuildTest, MissingRequestedVerilatorIsReported)
{
    const fs::path missing = root_ / "no-such-verilator";
    try {
        find_verilator(missing);
        FAIL() << "no error for a missing program";
    } catch (const Error& error) {
        EXPECT_EQ(error.subject(), missing.string());
        EXPECT_EQ(error.what_failed(), "executable not found on PATH");
        EXPECT_EQ(error.hint(), "install it with 'apt-get install verilator'");
    }
}

TEST_F(VerilatorBuildTest, KeyFollowsEveryInput)
{
    const fs::path design = root_ / "pipe2";
    test::write_pipeline_design(design);
    const RtlManifest manifest = read_rtl_manifest(design);
    const fs::path harness_dir = find_harness_dir();

    const std::string key = harness_build_key(design, manifest, harness_dir, kVerilator5);
    EXPECT_EQ(key.size(), 64u);
    EXPECT_EQ(harness_build_key(design, manifest, harness_dir, kVerilator5), key);

    // A copy in another directory has the same key, so the build is shared.
    const fs::path copy = root_ / "copy";
    fs::copy(design, copy);
    EXPECT_EQ(harness_build_key(copy, manifest, harness_dir, kVerilator5), key);

    VerilatorTool other_version = kVerilator5;
    other_version.version = "Verilator 5.020 2024-01-01";
    EXPECT_NE(harness_build_key(design, manifest, harness_dir, other_version), key);

    test::write_file(copy / "rom.memh", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\na\nb\nc\nd\ne\nf\n");
    EXPECT_NE(harness_build_key(copy, manifest, harness_dir, kVerilator5), key);

    fs::copy(design, root_ / "copy2");
    test::write_file(root_ / "copy2" / "pipe2.v", "module pipe2; endmodule\n");
    EXPECT_NE(harness_build_key(root_ / "copy2", manifest, harness_dir, kVerilator5), key);
}

TEST_F(VerilatorBuildTest, ConfigHeaderNamesPortsAndLayers)
{
    const fs::path design = root_ / "pipe2";
    test::write_pipeline_design(design);
    const std::string header = harness_config_header(read_rtl_manifest(design));

    EXPECT_NE(header.find("#define LUTGEN_INPUT_PORT M0\n"), std::string::npos) << header;
    EXPECT_NE(header.find("#define LUTGEN_OUTPUT_PORT M2\n"), std::string::npos) << header;
    EXPECT_NE(header.find("#define LUTGEN_LATENCY 2\n"), std::string::npos) << header;
    EXPECT_NE(header.find("#define LUTGEN_RESET_ACTIVE_LEVEL 1\n"), std::string::npos) << header;
    EXPECT_NE(header.find("#define LUTGEN_LAYER_SIGNALS {\"M1\", 36, 1}, {\"M2\", 40, 2}\n"), std::string::npos)
        << header;
}

TEST_F(VerilatorBuildTest, ManifestChecksRejectBadFields)
{
    const fs::path design = root_ / "pipe2";
    test::write_pipeline_design(design);
    const RtlManifest good = read_rtl_manifest(design);
    EXPECT_NO_THROW(check_manifest_for_simulation(good, design));

    RtlManifest bad_port = good;
    bad_port.input_port = "M0; exit(1)";
    EXPECT_THROW(check_manifest_for_simulation(bad_port, design), Error);

    RtlManifest bad_width = good;
    bad_width.output_width = 0;
    EXPECT_THROW(check_manifest_for_simulation(bad_width, design), Error);

    RtlManifest escaping_file = good;
    escaping_file.data_files = {"../rom.memh"};
    EXPECT_THROW(check_manifest_for_simulation(escaping_file, design), Error);

    RtlManifest missing_file = good;
    missing_file.verilog_files.push_back("absent.v");
    try {
        check_manifest_for_simulation(missing_file, design);
        FAIL() << "no error for a missing Verilog file";
    } catch (const Error& error) {
        EXPECT_EQ(error.what_failed(), "file listed in verilog_files not found");
        EXPECT_EQ(error.value(), "absent.v");
    }

    RtlManifest unclocked = good;
    unclocked.clock_port = "";
    EXPECT_THROW(check_manifest_for_simulation(unclocked, design), Error);
}

TEST_F(VerilatorBuildTest, CacheDirectoryFollowsEnvironment)
{
    {
        const ScopedEnvironment cache("LUTGEN_CACHE_DIR", "/tmp/lutgen-cache-a");
        EXPECT_EQ(default_cache_dir(), fs::path("/tmp/lutgen-cache-a"));
    }
    {
        const ScopedEnvironment cache("LUTGEN_CACHE_DIR", nullptr);
        const ScopedEnvironment xdg("XDG_CACHE_HOME", "/tmp/xdg");
        EXPECT_EQ(default_cache_dir(), fs::path("/tmp/xdg/lutgen"));
    }
    {
        const ScopedEnvironment cache("LUTGEN_CACHE_DIR", nullptr);
        const ScopedEnvironment xdg("XDG_CACHE_HOME", nullptr);
        const ScopedEnvironment home("HOME", "/home/someone");
        EXPECT_EQ(default_cache_dir(), fs::path("/home/someone/.cache/lutgen"));
    }
}

TEST_F(VerilatorBuildTest, HarnessDirectoryFollowsDataDirectory)
{
    EXPECT_TRUE(fs::is_regular_file(find_harness_dir() / "harness.cpp"));

    fs::create_directories(root_ / "share" / "sim");
    test::write_file(root_ / "share" / "sim" / "harness.cpp", "");
    const ScopedEnvironment data("LUTGEN_DATA_DIR", (root_ / "share").c_str());
    EXPECT_EQ(find_harness_dir(), root_ / "share" / "sim");
}

TEST_F(VerilatorBuildTest, FailedBuildNamesLogAndError)
{
    const fs::path design = root_ / "broken";
    test::write_pipeline_design(design);
    test::write_file(design / "pipe2.v", "module pipe2 (input [11:0] M0, input clk, input rst, output [39:0] M2);\n"
                                         "  assign M2 = undeclared_wire;\n"
                                         "endmodule\n");

    HarnessBuildOptions options;
    options.cache_dir = root_ / "cache";
    try {
        build_harness(design, read_rtl_manifest(design), options);
        FAIL() << "no error for RTL with an undeclared signal";
    } catch (const Error& error) {
        EXPECT_EQ(error.what_failed().rfind("Verilator build failed", 0), 0u) << error.what();
        EXPECT_NE(error.value().find("%Error"), std::string::npos) << error.what();
        EXPECT_NE(error.value().find("undeclared_wire"), std::string::npos) << error.what();
        EXPECT_NE(error.hint().find(".failed.log"), std::string::npos) << error.what();
    }

    // Nothing but the failure log is left in the cache.
    std::size_t entries = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(root_ / "cache" / "rtl-sim")) {
        EXPECT_EQ(entry.path().extension(), ".log") << entry.path();
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

} // namespace
} // namespace lutgen
