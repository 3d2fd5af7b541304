#pragma once
// The eight QuickBooks Web Connector operations in plain C++ types.
//
// soap/endpoint.cpp (the only file that sees gSOAP) decodes each SOAP call and forwards it here;
// soap/qbwc_logic.cpp implements the semantics over the store and the posting state machine.
// Keeping this seam free of gSOAP and SQL types lets each side be tested on its own.

#include <string>
#include <vector>

namespace settlebridge::soap {

struct SendRequestInput {
    std::string ticket;
    std::string hcpResponse;      // host/company/preferences answer, sent on the first call of a session only
    std::string companyFileName;
    std::string qbXMLCountry;
    int qbXMLMajorVers = 0;
    int qbXMLMinorVers = 0;
};

struct ReceiveResponseInput {
    std::string ticket;
    std::string response;         // the qbXML response ("" when hresult is set)
    std::string hresult;          // e.g. "0x80040400" when QuickBooks could not process the request
    std::string message;
};

class QbwcOperations {
public:
    virtual ~QbwcOperations() = default;

    /// Version string shown by the Web Connector.
    virtual std::string serverVersion() = 0;
    /// "" = OK; "W:<message>" = warn and go on; "E:<message>" = refuse; "O:<version>" = needs that version.
    virtual std::string clientVersion(const std::string& strVersion) = 0;
    /// [ticket, status(, seconds until next update(, minimum run-every-N seconds))]. status: "" or a company
    /// file path = go; "none" = nothing to do; "nvu" = not a valid user; "busy" = try later.
    virtual std::vector<std::string> authenticate(const std::string& user, const std::string& password) = 0;
    /// authenticate() with the client's address (the HTTP front knows it; sign-in throttles are per address).
    /// By default the address is not used.
    virtual std::vector<std::string> authenticateFrom(const std::string& user, const std::string& password,
                                                      const std::string& clientAddress) {
        (void)clientAddress;
        return authenticate(user, password);
    }
    /// The next qbXML request, or "" when there is nothing more (or on error: then getLastError is called).
    virtual std::string sendRequestXML(const SendRequestInput& in) = 0;
    /// Percent done: 0..100 (100 = finished), negative on error (the Web Connector then calls getLastError).
    virtual int receiveResponseXML(const ReceiveResponseInput& in) = 0;
    /// "done" to end the session (or a company file path to try another one).
    virtual std::string connectionError(const std::string& ticket, const std::string& hresult,
                                        const std::string& message) = 0;
    /// A message a bookkeeper understands; "NoOp" makes the Web Connector pause and call sendRequestXML again.
    virtual std::string getLastError(const std::string& ticket) = 0;
    /// A closing summary shown by the Web Connector.
    virtual std::string closeConnection(const std::string& ticket) = 0;
};

}  // namespace settlebridge::soap
