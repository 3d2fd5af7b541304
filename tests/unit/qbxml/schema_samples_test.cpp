// Proves the schema check the other tests use is live: the project's qbXML schema accepts the hand-checked samples in
// tests/data/qbxml/samples (requests and answers) and rejects every one in samples/invalid for its documented reason.
// With $SETTLEBRIDGE_QBXML_XSD_DIR, Intuit's XSDs must agree on every sample.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "qbxml_schema.hpp"
#include "schema_validator.hpp"

namespace settlebridge::qbxml {
namespace {

std::vector<std::filesystem::path> xmlFiles(const std::string& folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(testing::dataPath(folder))) {
        if (entry.is_regular_file() && entry.path().extension() == ".xml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string dataRelative(const std::filesystem::path& path) {
    return std::filesystem::relative(path, testing::dataPath("")).string();
}

TEST(SchemaSamplesTest, ValidSamplesValidate) {
    const auto files = xmlFiles("qbxml/samples");
    ASSERT_EQ(files.size(), 13u);  // 9 requests, 4 answers
    for (const auto& file : files) {
        const auto result = testing::validateQbxml(testing::readDataFile(dataRelative(file)));
        EXPECT_TRUE(result.valid) << file << "\n" << result.errors;
    }
}

TEST(SchemaSamplesTest, AnswersWithoutTheirStatusOrWithAnUnknownElementAreRefused) {
    const std::string ok = testing::readDataFile("qbxml/samples/SalesReceiptAddRs.ok.xml");
    ASSERT_TRUE(schema::validateProject(ok).valid);
    const auto broken = [&](const std::string& from, const std::string& to) {
        std::string xml = ok;
        const std::size_t pos = xml.find(from);
        EXPECT_NE(pos, std::string::npos) << from;
        return pos == std::string::npos ? xml : xml.replace(pos, from.size(), to);
    };
    EXPECT_FALSE(schema::validateProject(broken("statusCode=\"0\"", "")).valid);
    EXPECT_FALSE(schema::validateProject(broken("statusCode=\"0\"", "statusCode=\"zero\"")).valid);
    EXPECT_FALSE(schema::validateProject(broken("<TxnID>", "<Colour>blue</Colour><TxnID>")).valid);
    EXPECT_FALSE(schema::validateProject(broken("<SalesReceiptAddRs", "<SalesReceiptAddRq")).valid);
}

TEST(SchemaSamplesTest, InvalidSamplesFailForTheDocumentedReason) {
    const auto files = xmlFiles("qbxml/samples/invalid");
    ASSERT_EQ(files.size(), 5u);
    for (const auto& file : files) {
        const std::string xml = testing::readDataFile(dataRelative(file));
        const auto result = schema::validateProject(xml);
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
        if (const auto intuit = schema::validateIntuit(xml)) {
            EXPECT_FALSE(intuit->valid) << file << ": Intuit's XSD accepts it";
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
