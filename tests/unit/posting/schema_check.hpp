#pragma once
// Validates a qbXML request against the project's qbXML request schema (qbxml/schema/requests.schema) and, when
// $SETTLEBRIDGE_QBXML_XSD_DIR names a folder holding them, Intuit's qbXML 13.0 XSDs as well.

#include <string>

#include "tests/unit/qbxml/qbxml_schema.hpp"

namespace settlebridge::testing {

/// "" when `xml` is a valid request, else libxml2's first complaint.
inline std::string qbxmlSchemaErrors(const std::string& xml) {
    const qbxml::schema::Result result = qbxml::schema::validate(xml);
    if (result.valid) return "";
    const std::size_t end = result.errors.find('\n');
    return end == std::string::npos ? result.errors : result.errors.substr(0, end);
}

}  // namespace settlebridge::testing
