#pragma once
// The .qwc file a bookkeeper loads into the QuickBooks Web Connector (Add an application).

#include <stdexcept>
#include <string>

namespace settlebridge::app {

struct QwcOptions {
    std::string companyName;        // the Web Connector user (one per QuickBooks company file)
    std::string appUrl;             // https://host:port/qbwc, or http://localhost:port/qbwc on the same machine
    std::string supportUrl;         // defaults to the admin page on the same host
    int runEveryMinutes = 60;       // the Web Connector's default schedule for this application
};

/// Thrown for options the Web Connector would refuse (QBWC1001/QBWC1000-style problems), with a clear message.
class QwcError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Settlebridge's application GUID (OwnerID): the same for every install and every version.
inline constexpr const char* kQwcOwnerId = "{6B0C1F7E-3E55-4E0B-9A31-5E7A2C9D4B10}";

/// The FileID for a company: a name-based GUID, stable for the same company name.
std::string qwcFileId(const std::string& companyName);

/// Renders the .qwc XML. Refuses plain http for anything but localhost (the Web Connector does too), IP
/// addresses other than loopback, and an AppSupport on another host than AppURL.
std::string renderQwc(const QwcOptions& options);

}  // namespace settlebridge::app
