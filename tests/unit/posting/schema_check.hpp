#pragma once
// Validates a qbXML request against Intuit's qbXML 13.0 schema (shared/spec/qbxml/qbxmlops130.xsd) with libxml2.

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <mutex>
#include <string>

namespace settlebridge::testing {

/// "" when `xml` is valid qbXML 13.0, else libxml2's first complaint.
inline std::string qbxmlSchemaErrors(const std::string& xml) {
    static std::once_flag once;
    static xmlSchemaPtr schema = nullptr;
    std::call_once(once, [] {
        const std::string path = std::string(SETTLEBRIDGE_SHARED_DIR) + "/spec/qbxml/qbxmlops130.xsd";
        xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
        schema = xmlSchemaParse(parser);
        xmlSchemaFreeParserCtxt(parser);
    });
    if (schema == nullptr) return "the qbXML schema could not be loaded";
    std::string errors;
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "request.xml", nullptr, XML_PARSE_NONET);
    if (doc == nullptr) return "not well-formed XML";
    xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(
        ctx,
        [](void* user, xmlErrorPtr error) {
            auto* out = static_cast<std::string*>(user);
            if (out->empty() && error != nullptr && error->message != nullptr) *out = error->message;
        },
        &errors);
    const int rc = xmlSchemaValidateDoc(ctx, doc);
    xmlSchemaFreeValidCtxt(ctx);
    xmlFreeDoc(doc);
    if (rc != 0 && errors.empty()) errors = "invalid (code " + std::to_string(rc) + ")";
    return errors;
}

}  // namespace settlebridge::testing
