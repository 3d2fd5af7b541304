#pragma once
// Validates qbXML documents against Intuit's qbXML 13.0 schema (shared/spec/qbxml/qbxmlops130.xsd) with libxml2.
// The schema is parsed once per test process.

#include <string>
#include <string_view>

namespace settlebridge::qbxml::testing {

struct Validation {
    bool valid = false;
    std::string errors;  ///< libxml2's messages, one per line ("" when valid)
};

/// Parses `xml` (no network access) and validates it against qbxmlops130.xsd.
Validation validateQbxml(std::string_view xml);

/// Reads a file of shared/ (path relative to SETTLEBRIDGE_SHARED_DIR). Throws std::runtime_error when missing.
std::string readSharedFile(std::string_view relativePath);

/// The absolute path of a file or folder in shared/.
std::string sharedPath(std::string_view relativePath);

}  // namespace settlebridge::qbxml::testing
