// Proves the schema validator used by the other tests is live: Intuit's schema accepts the hand-checked samples
// in shared/spec/qbxml/samples and rejects every one in samples/invalid.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

std::vector<std::filesystem::path> xmlFiles(const std::string& folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(testing::sharedPath(folder))) {
        if (entry.is_regular_file() && entry.path().extension() == ".xml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string sharedRelative(const std::filesystem::path& path) {
    return std::filesystem::relative(path, testing::sharedPath("")).string();
}

TEST(SchemaSamplesTest, ValidSamplesValidate) {
    const auto files = xmlFiles("spec/qbxml/samples");
    ASSERT_GE(files.size(), 13u);
    for (const auto& file : files) {
        const auto result = testing::validateQbxml(testing::readSharedFile(sharedRelative(file)));
        EXPECT_TRUE(result.valid) << file << "\n" << result.errors;
    }
}

TEST(SchemaSamplesTest, InvalidSamplesFailForTheDocumentedReason) {
    const auto files = xmlFiles("spec/qbxml/samples/invalid");
    ASSERT_EQ(files.size(), 5u);
    for (const auto& file : files) {
        const auto result = testing::validateQbxml(testing::readSharedFile(sharedRelative(file)));
        EXPECT_FALSE(result.valid) << file;
        EXPECT_FALSE(result.errors.empty()) << file;
        const std::string name = file.filename().string();
        if (name.find("Name-35") != std::string::npos || name.find("RefNumber-12") != std::string::npos) {
            EXPECT_NE(result.errors.find("maxLength"), std::string::npos) << result.errors;
        } else if (name.find("Amount-one-decimal") != std::string::npos) {
            EXPECT_NE(result.errors.find("pattern"), std::string::npos) << result.errors;
        } else if (name.find("no-onError") != std::string::npos) {
            EXPECT_NE(result.errors.find("onError"), std::string::npos) << result.errors;
        } else {
            EXPECT_NE(result.errors.find("not expected"), std::string::npos) << result.errors;
        }
    }
}

TEST(SchemaSamplesTest, MalformedXmlIsNotValid) {
    const auto result = testing::validateQbxml("<QBXML><QBXMLMsgsRq onError=\"stopOnError\">");
    EXPECT_FALSE(result.valid);
    EXPECT_NE(result.errors.find("not well-formed"), std::string::npos);
}

}  // namespace
}  // namespace settlebridge::qbxml
