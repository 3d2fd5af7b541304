#pragma once
// The .qwc file a bookkeeper loads into the QuickBooks Web Connector (Add an application).

#include <stdexcept>
#include <string>

namespace settlebridge::soap {

struct QwcOptions {
    std::string companyName;        // the Web Connector user (one per QuickBooks company file)
    std::string appUrl;             // https://host:port/qbwc, or http://localhost:port/qbwc on the same machine
    std::string supportUrl;         // defaults to the admin page on the same host
    int runEveryMinutes = 60;       // the Web Connector's default schedule for this application
    std::string ownerId;            // {GUID}: our application's id in the company file (stored per company)
    std::string fileId;             // {GUID}: the company file's id (stored per company)
};

/// Thrown for options the Web Connector would refuse (QBWC1001/QBWC1000-style problems), with a clear message.
class QwcError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Renders the .qwc XML. Refuses plain http for anything but localhost (the Web Connector does too), IP
/// addresses other than loopback, and an AppSupport on another host than AppURL.
std::string renderQwc(const QwcOptions& options);

}  // namespace settlebridge::soap
