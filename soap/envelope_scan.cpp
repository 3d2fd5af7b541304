#include "soap/envelope_scan.hpp"

namespace settlebridge::soap {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view localName(std::string_view qname) {
    const std::size_t colon = qname.rfind(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

EnvelopeScan refuse(std::string problem, std::string operation = {}) {
    EnvelopeScan scan;
    scan.ok = false;
    scan.problem = std::move(problem);
    scan.operation = std::move(operation);
    return scan;
}

}  // namespace

EnvelopeScan scanEnvelope(std::string_view body, const EnvelopeLimits& limits) {
    EnvelopeScan scan;
    const std::size_t n = body.size();
    std::size_t i = 0;
    std::size_t elements = 0;
    bool inBody = false;  // the last start tag was soap:Body: the next one names the operation
    while (i < n) {
        const std::size_t lt = body.find('<', i);
        if (lt == std::string_view::npos) break;
        i = lt + 1;
        if (i >= n) break;
        const char c = body[i];
        if (c == '?') {  // the XML declaration or a processing instruction
            const std::size_t end = body.find("?>", i);
            if (end == std::string_view::npos) break;
            i = end + 2;
            continue;
        }
        if (c == '!') {
            if (body.substr(i, 3) == "!--") {
                const std::size_t end = body.find("-->", i + 3);
                if (end == std::string_view::npos) break;
                i = end + 3;
                continue;
            }
            if (body.substr(i, 8) == "![CDATA[") {
                const std::size_t end = body.find("]]>", i + 8);
                if (end == std::string_view::npos) break;
                i = end + 3;
                continue;
            }
            return refuse("A SOAP message may not carry a document type declaration.");
        }
        if (c == '/') {  // an end tag
            const std::size_t end = body.find('>', i);
            if (end == std::string_view::npos) break;
            i = end + 1;
            continue;
        }
        // A start tag: its name, then attributes up to '>' (quoted values may hold '>').
        if (++elements > limits.maxElements) {
            return refuse("The request has more than " + std::to_string(limits.maxElements) + " elements.");
        }
        const std::size_t nameStart = i;
        while (i < n && !isSpace(body[i]) && body[i] != '>' && body[i] != '/') ++i;
        const std::string_view name = localName(body.substr(nameStart, i - nameStart));
        std::size_t attributes = 0;
        std::size_t namespaces = 0;
        while (i < n && body[i] != '>') {
            const char a = body[i];
            if (a == '"' || a == '\'') {
                const std::size_t close = body.find(a, i + 1);
                if (close == std::string_view::npos) {
                    i = n;
                    break;
                }
                i = close + 1;
                continue;
            }
            if (!isSpace(a) && a != '/' && a != '=') {
                const std::size_t attrStart = i;
                while (i < n && !isSpace(body[i]) && body[i] != '=' && body[i] != '>' && body[i] != '/') ++i;
                const std::string_view attr = body.substr(attrStart, i - attrStart);
                ++attributes;
                if (attr == "xmlns" || attr.substr(0, 6) == "xmlns:") ++namespaces;
                if (attributes > limits.maxAttributesPerElement) {
                    return refuse("An element of the request has more than " +
                                  std::to_string(limits.maxAttributesPerElement) + " attributes.");
                }
                if (namespaces > limits.maxNamespacesPerElement) {
                    return refuse("An element of the request declares more than " +
                                  std::to_string(limits.maxNamespacesPerElement) + " namespaces.");
                }
                continue;
            }
            ++i;
        }
        if (i < n) ++i;  // past '>'
        if (inBody && scan.operation.empty()) {
            scan.operation = std::string(name);
            inBody = false;
        } else if (name == "Body") {
            inBody = true;
        }
    }
    std::size_t limit = limits.maxOtherBytes;
    if (scan.operation == "receiveResponseXML") {
        limit = limits.maxReceiveResponseBytes;
    } else if (scan.operation == "sendRequestXML") {
        limit = limits.maxSendRequestBytes;
    }
    if (n > limit) {
        return refuse("The " + (scan.operation.empty() ? std::string("request") : scan.operation) + " request is larger than the " +
                          std::to_string(limit) + " bytes this service accepts for it.",
                      scan.operation);
    }
    return scan;
}

}  // namespace settlebridge::soap
