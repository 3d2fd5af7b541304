#include "soap/qwc.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <tinyxml2.h>

#include <algorithm>
#include <cctype>

namespace settlebridge::soap {

namespace {

bool isLoopbackHost(const std::string& host) {
    return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]";
}

bool looksLikeIpAddress(const std::string& host) {
    return !host.empty() && (std::all_of(host.begin(), host.end(),
                                         [](unsigned char c) { return std::isdigit(c) || c == '.'; }) ||
                             host.find(':') != std::string::npos);
}

void addText(tinyxml2::XMLDocument& doc, tinyxml2::XMLElement* parent, const char* name, const std::string& text) {
    tinyxml2::XMLElement* element = doc.NewElement(name);
    element->SetText(text.c_str());
    parent->InsertEndChild(element);
}

}  // namespace

std::string renderQwc(const QwcOptions& options) {
    if (options.companyName.empty()) throw QwcError("the company name (Web Connector user) is empty");
    Poco::URI url;
    try {
        url = Poco::URI(options.appUrl);
    } catch (const Poco::Exception& e) {
        throw QwcError("the URL \"" + options.appUrl + "\" cannot be read: " + e.displayText());
    }
    const std::string scheme = url.getScheme();
    const std::string host = url.getHost();
    if (scheme != "http" && scheme != "https") throw QwcError("the URL must start with https:// (or http://localhost)");
    if (host.empty()) throw QwcError("the URL \"" + options.appUrl + "\" has no host");
    if (scheme == "http" && !isLoopbackHost(host)) {
        throw QwcError("the Web Connector only accepts plain http for localhost; use https://" + host +
                       " with a certificate (serve --cert/--key) or http://localhost");
    }
    if (looksLikeIpAddress(host) && !isLoopbackHost(host)) {
        throw QwcError("the Web Connector refuses IP addresses in AppURL (QBWC1001): use the host's name instead of " +
                       host);
    }
    std::string support = options.supportUrl;
    if (support.empty()) {
        Poco::URI supportUri(url);
        supportUri.setPath("/");
        supportUri.setQuery("");
        support = supportUri.toString();
    } else if (Poco::URI(support).getHost() != host) {
        throw QwcError("AppSupport must be on the same host as AppURL (QBWC1000): " + support);
    }
    if (options.ownerId.empty() || options.fileId.empty()) throw QwcError("the company has no OwnerID/FileID");
    if (options.runEveryMinutes < 1) throw QwcError("the schedule must be at least one minute");

    tinyxml2::XMLDocument doc;
    doc.InsertEndChild(doc.NewDeclaration("xml version=\"1.0\""));
    tinyxml2::XMLElement* root = doc.NewElement("QBWCXML");
    doc.InsertEndChild(root);
    addText(doc, root, "AppName", "Settlebridge (" + options.companyName + ")");
    addText(doc, root, "AppID", "");
    addText(doc, root, "AppURL", options.appUrl);
    addText(doc, root, "AppDescription", "Amazon settlement summaries for " + options.companyName);
    addText(doc, root, "AppSupport", support);
    addText(doc, root, "UserName", options.companyName);
    addText(doc, root, "OwnerID", options.ownerId);
    addText(doc, root, "FileID", options.fileId);
    addText(doc, root, "QBType", "QBFS");
    tinyxml2::XMLElement* scheduler = doc.NewElement("Scheduler");
    root->InsertEndChild(scheduler);
    addText(doc, scheduler, "RunEveryNMinutes", std::to_string(options.runEveryMinutes));
    addText(doc, root, "IsReadOnly", "false");
    addText(doc, root, "Style", "Document");
    tinyxml2::XMLPrinter printer;
    doc.Print(&printer);
    return printer.CStr();
}

}  // namespace settlebridge::soap
