#include "schema_validator.hpp"

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxml/xmlschemas.h>

namespace settlebridge::qbxml::testing {
namespace {

#if LIBXML_VERSION >= 21200
void collectError(void* context, const xmlError* error) {
#else
void collectError(void* context, xmlErrorPtr error) {
#endif
    auto* out = static_cast<std::string*>(context);
    if (error != nullptr && error->message != nullptr) {
        *out += "line " + std::to_string(error->line) + ": " + error->message;
        if (out->empty() || out->back() != '\n') {
            out->push_back('\n');
        }
    }
}

class Schema {
public:
    Schema() {
        const std::string path = sharedPath("spec/qbxml/qbxmlops130.xsd");
        xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
        if (parser == nullptr) {
            throw std::runtime_error("cannot open " + path);
        }
        schema_ = xmlSchemaParse(parser);
        xmlSchemaFreeParserCtxt(parser);
        if (schema_ == nullptr) {
            throw std::runtime_error("cannot parse the qbXML schema " + path);
        }
    }
    ~Schema() { xmlSchemaFree(schema_); }
    Schema(const Schema&) = delete;
    Schema& operator=(const Schema&) = delete;

    Validation validate(std::string_view xml) const {
        Validation result;
        std::string errors;
        xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "qbxml.xml", nullptr,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc == nullptr) {
            const xmlError* error = xmlGetLastError();
            result.errors = std::string("not well-formed: ") +
                            (error != nullptr && error->message != nullptr ? error->message : "parse error");
            return result;
        }
        xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(schema_);
        xmlSchemaSetValidStructuredErrors(ctx, &collectError, &errors);
        const int rc = xmlSchemaValidateDoc(ctx, doc);
        xmlSchemaFreeValidCtxt(ctx);
        xmlFreeDoc(doc);
        result.valid = rc == 0;
        result.errors = errors;
        return result;
    }

private:
    xmlSchemaPtr schema_ = nullptr;
};

}  // namespace

std::string sharedPath(std::string_view relativePath) {
    return std::string(SETTLEBRIDGE_SHARED_DIR) + "/" + std::string(relativePath);
}

std::string readSharedFile(std::string_view relativePath) {
    const std::string path = sharedPath(relativePath);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

Validation validateQbxml(std::string_view xml) {
    static const Schema schema;
    return schema.validate(xml);
}

}  // namespace settlebridge::qbxml::testing
