#pragma once
// A cheap look at a SOAP request before gSOAP parses it: one linear pass over the bytes that refuses what would
// make the parser slow (gSOAP's attribute and namespace handling grows with the square of their number per
// element) and finds the operation, so each operation can have its own size limit (only receiveResponseXML,
// which carries QuickBooks' answer, needs a large body).

#include <cstddef>
#include <string>
#include <string_view>

namespace settlebridge::soap {

struct EnvelopeLimits {
    std::size_t maxAttributesPerElement = 32;   // the Web Connector's envelopes carry at most 4
    std::size_t maxNamespacesPerElement = 16;   // ... and at most 4 xmlns declarations
    std::size_t maxElements = 10'000;           // qbXML travels as escaped text, never as elements
    std::size_t maxReceiveResponseBytes = 16U * 1024U * 1024U;  // receiveResponseXML (QuickBooks' answer)
    std::size_t maxSendRequestBytes = 1024U * 1024U;            // sendRequestXML (the first carries the HCP answer)
    std::size_t maxOtherBytes = 64U * 1024U;                    // every other operation
};

struct EnvelopeScan {
    bool ok = true;
    std::string problem;    // why it was refused (for the SOAP fault)
    std::string operation;  // local name of the Body's first element ("" if not found)
};

/// Scans `body`; refuses too many attributes or namespace declarations on one element, too many elements, a
/// document type declaration, and a body larger than its operation's limit.
EnvelopeScan scanEnvelope(std::string_view body, const EnvelopeLimits& limits = {});

}  // namespace settlebridge::soap
