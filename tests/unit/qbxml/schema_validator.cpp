#include "schema_validator.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "qbxml_schema.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::qbxml::testing {
namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

std::string dataPath(std::string_view relativePath) {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/" + std::string(relativePath);
}

std::string readDataFile(std::string_view relativePath) {
    return readFile(dataPath(relativePath));
}

Validation validateQbxml(std::string_view xml) {
    const schema::Result result = schema::validate(xml);
    return Validation{result.valid, result.errors};
}

}  // namespace settlebridge::qbxml::testing
