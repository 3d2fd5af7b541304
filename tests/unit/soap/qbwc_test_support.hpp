#pragma once
// Shared by the soap tests: a recording QbwcOperations (a test double of our own seam: the SOAP layer is what is
// under test), the Web Connector envelopes (the project's own, tests/data/qbwc/envelopes, written in the exact shape
// of the Web Connector's traffic; the captured ones when $SETTLEBRIDGE_SPEC_DIR gives them), and small libxml2
// helpers to read SOAP envelopes.

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "soap/qbwc_operations.hpp"
#include "tests/unit/common/outside_data.hpp"

namespace settlebridge::soap::testing {

inline constexpr const char* kQbwcNs = "http://developer.intuit.com/";
inline constexpr const char* kSoapEnvNs = "http://schemas.xmlsoap.org/soap/envelope/";

/// The project's envelopes: every operation's request as the Web Connector writes it, and answers.
inline std::filesystem::path envelopeDir() { return settlebridge::testing::projectData("qbwc/envelopes"); }

/// Real Web Connector traffic (QBWC 2.0 with a QuickBooks 2006 company), captured by others: optional.
inline std::optional<std::filesystem::path> capturedEnvelopeDir() {
    const auto spec = settlebridge::testing::specDir();
    if (!spec || !std::filesystem::is_directory(*spec / "qbwc" / "envelopes")) return std::nullopt;
    return *spec / "qbwc" / "envelopes";
}

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Envelope files whose name matches: "<op>.request*.xml" or "<op>.*response*.xml", sorted.
inline std::vector<std::filesystem::path> envelopes(const std::string& kind, const std::string& operation = "",
                                                    const std::filesystem::path& dir = envelopeDir()) {
    std::vector<std::filesystem::path> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".xml" || name.find("." + kind) == std::string::npos) {
            continue;
        }
        if (!operation.empty() && name.rfind(operation + ".", 0) != 0) {
            continue;
        }
        out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline std::string operationOf(const std::filesystem::path& envelopeFile) {
    const std::string name = envelopeFile.filename().string();
    return name.substr(0, name.find('.'));
}

/// One call as the operations saw it, arguments under their WSDL element names.
struct RecordedCall {
    std::string operation;
    std::map<std::string, std::string> args;
};

class RecordingOperations final : public QbwcOperations {
public:
    // What the operations answer (set before the call).
    std::string stringResult;
    std::vector<std::string> arrayResult{"ticket-1", ""};
    int intResult = 100;
    std::string throwMessage;  // non-empty: every operation throws std::runtime_error(throwMessage)

    std::string serverVersion() override { return str("serverVersion", {}); }
    std::string clientVersion(const std::string& strVersion) override {
        return str("clientVersion", {{"strVersion", strVersion}});
    }
    std::vector<std::string> authenticate(const std::string& user, const std::string& password) override {
        record("authenticate", {{"strUserName", user}, {"strPassword", password}});
        return arrayResult;
    }
    std::string sendRequestXML(const SendRequestInput& in) override {
        return str("sendRequestXML", {{"ticket", in.ticket},
                                      {"strHCPResponse", in.hcpResponse},
                                      {"strCompanyFileName", in.companyFileName},
                                      {"qbXMLCountry", in.qbXMLCountry},
                                      {"qbXMLMajorVers", std::to_string(in.qbXMLMajorVers)},
                                      {"qbXMLMinorVers", std::to_string(in.qbXMLMinorVers)}});
    }
    int receiveResponseXML(const ReceiveResponseInput& in) override {
        record("receiveResponseXML",
               {{"ticket", in.ticket}, {"response", in.response}, {"hresult", in.hresult}, {"message", in.message}});
        return intResult;
    }
    std::string connectionError(const std::string& ticket, const std::string& hresult,
                                const std::string& message) override {
        return str("connectionError", {{"ticket", ticket}, {"hresult", hresult}, {"message", message}});
    }
    std::string getLastError(const std::string& ticket) override { return str("getLastError", {{"ticket", ticket}}); }
    std::string closeConnection(const std::string& ticket) override {
        return str("closeConnection", {{"ticket", ticket}});
    }

    std::vector<RecordedCall> calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        calls_.clear();
    }

private:
    void record(const std::string& op, std::map<std::string, std::string> args) {
        {
            std::lock_guard lock(mutex_);
            calls_.push_back({op, std::move(args)});
        }
        if (!throwMessage.empty()) {
            throw std::runtime_error(throwMessage);
        }
    }
    std::string str(const std::string& op, std::map<std::string, std::string> args) {
        record(op, std::move(args));
        return stringResult;
    }

    mutable std::mutex mutex_;
    std::vector<RecordedCall> calls_;
};

// ---- libxml2 -------------------------------------------------------------------------------------------------

struct XmlDocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

/// Parses XML (nullptr when not well-formed).
inline XmlDoc parseXml(const std::string& text) {
    return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "envelope.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

inline std::string nsOf(const xmlNode* n) {
    return n != nullptr && n->ns != nullptr && n->ns->href != nullptr ? reinterpret_cast<const char*>(n->ns->href)
                                                                      : "";
}
inline std::string nameOf(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

inline std::vector<xmlNode*> elementChildren(xmlNode* n) {
    std::vector<xmlNode*> out;
    for (xmlNode* c = n != nullptr ? n->children : nullptr; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            out.push_back(c);
        }
    }
    return out;
}

inline std::string textOf(xmlNode* n) {
    xmlChar* s = xmlNodeGetContent(n);
    std::string out = s != nullptr ? reinterpret_cast<const char*>(s) : "";
    xmlFree(s);
    return out;
}

/// The first element inside soap:Body (the operation or its response, or soap:Fault); nullptr if none.
inline xmlNode* bodyPayload(xmlDoc* doc) {
    xmlNode* env = xmlDocGetRootElement(doc);
    if (env == nullptr || nameOf(env) != "Envelope" || nsOf(env) != kSoapEnvNs) {
        return nullptr;
    }
    for (xmlNode* c : elementChildren(env)) {
        if (nameOf(c) == "Body" && nsOf(c) == kSoapEnvNs) {
            const auto payload = elementChildren(c);
            return payload.empty() ? nullptr : payload.front();
        }
    }
    return nullptr;
}

/// The operation element's children: name → text (the request arguments as the Web Connector sent them).
inline std::map<std::string, std::string> argumentsOf(xmlNode* operation) {
    std::map<std::string, std::string> out;
    for (xmlNode* c : elementChildren(operation)) {
        out[nameOf(c)] = textOf(c);
    }
    return out;
}

/// A decoded SOAP response: the response element and its result.
struct DecodedResponse {
    bool wellFormed = false;
    bool fault = false;
    std::string element;                // e.g. "authenticateResponse"
    std::string elementNs;
    std::vector<std::string> children;  // "ns|name" of the response element's children
    std::string result;                 // text of <opResult>
    std::vector<std::string> strings;   // authenticate: the <string> items
    std::vector<std::string> stringNs;  // their namespaces
    std::string faultcode, faultstring;
};

inline DecodedResponse decodeResponse(const std::string& text) {
    DecodedResponse out;
    XmlDoc doc = parseXml(text);
    if (!doc) {
        return out;
    }
    out.wellFormed = true;
    xmlNode* payload = bodyPayload(doc.get());
    if (payload == nullptr) {
        return out;
    }
    out.element = nameOf(payload);
    out.elementNs = nsOf(payload);
    if (out.element == "Fault" && out.elementNs == kSoapEnvNs) {
        out.fault = true;
        for (xmlNode* c : elementChildren(payload)) {
            if (nameOf(c) == "faultcode") out.faultcode = textOf(c);
            if (nameOf(c) == "faultstring") out.faultstring = textOf(c);
        }
        return out;
    }
    for (xmlNode* c : elementChildren(payload)) {
        out.children.push_back(nsOf(c) + "|" + nameOf(c));
        out.result = textOf(c);
        for (xmlNode* s : elementChildren(c)) {
            out.strings.push_back(textOf(s));
            out.stringNs.push_back(nsOf(s) + "|" + nameOf(s));
        }
    }
    return out;
}

}  // namespace settlebridge::soap::testing
