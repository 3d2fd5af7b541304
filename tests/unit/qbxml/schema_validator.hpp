#pragma once
// Validates qbXML documents against the project's qbXML request schema (qbxml/schema/requests.schema) and, when
// $SETTLEBRIDGE_QBXML_XSD_DIR names a folder holding them, Intuit's qbXML 13.0 XSDs as well (qbxml_schema.hpp).

#include <string>
#include <string_view>

namespace settlebridge::qbxml::testing {

struct Validation {
    bool valid = false;
    std::string errors;  ///< libxml2's messages, one per line ("" when valid)
};

/// Parses `xml` (no network access) and validates it against the project schema (and Intuit's, when given).
Validation validateQbxml(std::string_view xml);

/// Reads a file of the repository's tests/data/ (path relative to it). Throws std::runtime_error when missing.
std::string readDataFile(std::string_view relativePath);

/// The absolute path of a file or folder in tests/data/.
std::string dataPath(std::string_view relativePath);

}  // namespace settlebridge::qbxml::testing
