#pragma once
// The qbXML request schemas the unit tests check rendered requests against, with libxml2 (header only, so that the
// qbxml and posting test binaries share it):
//  - the project's own schema, qbxml/schema/requests.schema, as the XML Schema the build writes from it
//    (SETTLEBRIDGE_BINARY_DIR/qbxml-requests.xsd, by tools/quickbooks_sim/schema.py --write-xsd), always;
//  - Intuit's qbXML 13.0 XSDs (qbxmlops130.xsd) when $SETTLEBRIDGE_QBXML_XSD_DIR names a folder holding them (they
//    are Intuit's copyright and not in the repository; .ci/run passes ../shared/spec/qbxml when it is there).
// Each schema is parsed once per test process.

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tests/support/test_paths.hpp"

namespace settlebridge::qbxml::schema {

struct Result {
    bool valid = false;
    std::string errors;  ///< libxml2's messages, "line N: message" one per line ("" when valid)
};

namespace detail {

#if LIBXML_VERSION >= 21200
inline void collect(void* context, const xmlError* error) {
#else
inline void collect(void* context, xmlErrorPtr error) {
#endif
    auto* out = static_cast<std::string*>(context);
    if (error != nullptr && error->message != nullptr) {
        *out += "line " + std::to_string(error->line) + ": " + error->message;
        if (out->empty() || out->back() != '\n') {
            out->push_back('\n');
        }
    }
}

class Compiled {
public:
    explicit Compiled(const std::string& path) {
        if (!std::filesystem::exists(path)) {
            throw std::runtime_error("qbXML schema not found: " + path);
        }
        xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
        if (parser == nullptr) {
            throw std::runtime_error("cannot open the qbXML schema " + path);
        }
        schema_ = xmlSchemaParse(parser);
        xmlSchemaFreeParserCtxt(parser);
        if (schema_ == nullptr) {
            throw std::runtime_error("cannot parse the qbXML schema " + path);
        }
    }
    ~Compiled() { xmlSchemaFree(schema_); }
    Compiled(const Compiled&) = delete;
    Compiled& operator=(const Compiled&) = delete;

    Result validate(std::string_view xml) const {
        Result result;
        xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "qbxml.xml", nullptr,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc == nullptr) {
            const xmlError* error = xmlGetLastError();
            result.errors = std::string("not well-formed: ") +
                            (error != nullptr && error->message != nullptr ? error->message : "parse error");
            return result;
        }
        std::string errors;
        xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(schema_);
        xmlSchemaSetValidStructuredErrors(ctx, &collect, &errors);
        const int rc = xmlSchemaValidateDoc(ctx, doc);
        xmlSchemaFreeValidCtxt(ctx);
        xmlFreeDoc(doc);
        result.valid = rc == 0;
        result.errors = rc != 0 && errors.empty() ? "invalid (libxml2 code " + std::to_string(rc) + ")" : errors;
        return result;
    }

private:
    xmlSchemaPtr schema_ = nullptr;
};

}  // namespace detail

/// The folder named by $SETTLEBRIDGE_QBXML_XSD_DIR, or nullopt when it is not set.
inline std::optional<std::string> intuitXsdDir() {
    const char* dir = std::getenv("SETTLEBRIDGE_QBXML_XSD_DIR");
    if (dir == nullptr || *dir == '\0') {
        return std::nullopt;
    }
    return std::string(dir);
}

/// The project schema (strict: QBXMLMsgsRq holds only the requests it models).
inline Result validateProject(std::string_view xml) {
    static const detail::Compiled compiled(std::string(SETTLEBRIDGE_BINARY_DIR) + "/qbxml-requests.xsd");
    return compiled.validate(xml);
}

/// Intuit's qbxmlops130.xsd from $SETTLEBRIDGE_QBXML_XSD_DIR; nullopt when the variable is not set. A folder named
/// but without the file throws (an optional check that was asked for does not skip silently).
inline std::optional<Result> validateIntuit(std::string_view xml) {
    const std::optional<std::string> dir = intuitXsdDir();
    if (!dir) {
        return std::nullopt;
    }
    static std::once_flag once;
    static std::unique_ptr<detail::Compiled> compiled;
    std::call_once(once, [&] { compiled = std::make_unique<detail::Compiled>(*dir + "/qbxmlops130.xsd"); });
    return compiled->validate(xml);
}

/// Valid when the project schema and (when given) Intuit's both accept the document; the errors of both.
inline Result validate(std::string_view xml) {
    Result out = validateProject(xml);
    if (const std::optional<Result> intuit = validateIntuit(xml)) {
        if (!intuit->valid) {
            out.errors += "Intuit's XSD: " + intuit->errors;
        }
        out.valid = out.valid && intuit->valid;
    }
    return out;
}

}  // namespace settlebridge::qbxml::schema
