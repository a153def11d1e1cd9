#include "base/error.hpp"
#include "verilog/template.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace lutgen {
namespace {

class TemplateTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory_ = std::filesystem::temp_directory_path() /
                     ("lutgen_template_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(directory_);
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string render(const std::string& text, const TemplateValues& values)
    {
        const std::filesystem::path path = directory_ / "out.txt";
        {
            OutputFile out(path);
            Template::parse(text, "test template").render(out, values);
            out.close();
        }
        std::ifstream in(path, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        return content.str();
    }

    std::filesystem::path directory_;
};

TEST_F(TemplateTest, ReplacesPlaceholders)
{
    EXPECT_EQ(render("module {{name}} ();\n{{body}}endmodule", {{"name", "m"}, {"body", "x\n"}}),
              "module m ();\nx\nendmodule");
}

TEST_F(TemplateTest, StreamsFunctionValues)
{
    const TemplateValues values = {{"rows", [](OutputFile& out) {
                                        for (int row = 0; row < 3; ++row)
                                            out.format("{};", row);
                                    }}};
    EXPECT_EQ(render("[{{rows}}]", values), "[0;1;2;]");
}

TEST_F(TemplateTest, KeepsVerilogBracesLiteral)
{
    EXPECT_EQ(render("{{{bits}}} {4{a}} {{4{b}}} { {x} }", {{"bits", "a, b"}}), "{a, b} {4{a}} {{4{b}}} { {x} }");
}

TEST_F(TemplateTest, RejectsMissingValue)
{
    try {
        render("{{a}} {{b}}", {{"a", "1"}});
        FAIL() << "expected an error for the missing value";
    } catch (const Error& error) {
        EXPECT_EQ(error.value(), "b");
        EXPECT_EQ(error.subject(), "test template");
    }
}

TEST_F(TemplateTest, RejectsUnknownValue)
{
    try {
        render("{{a}}", {{"a", "1"}, {"c", "2"}});
        FAIL() << "expected an error for the unknown value";
    } catch (const Error& error) {
        EXPECT_EQ(error.value(), "c");
    }
}

TEST_F(TemplateTest, ListsPlaceholdersOnce)
{
    const Template text = Template::parse("{{b}} {{a}} {{b}}", "test template");
    EXPECT_EQ(text.placeholders(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(TemplateTest, LoadMissingFileFails)
{
    EXPECT_THROW(Template::load(directory_ / "missing.v"), Error);
}

TEST_F(TemplateTest, DataDirOverridesTemplateDirectory)
{
    std::filesystem::create_directories(directory_ / "rtl_templates");
    ::setenv("LUTGEN_DATA_DIR", directory_.c_str(), 1);
    const std::filesystem::path found = find_template_directory();
    ::setenv("LUTGEN_DATA_DIR", (directory_ / "missing").c_str(), 1);
    EXPECT_THROW(find_template_directory(), Error);
    ::unsetenv("LUTGEN_DATA_DIR");

    EXPECT_EQ(found, directory_ / "rtl_templates");
    EXPECT_TRUE(std::filesystem::is_directory(find_template_directory()));
}

} // namespace
} // namespace lutgen
