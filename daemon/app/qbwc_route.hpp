#pragma once
// Mounts the Web Connector endpoint (soap/http_handler.hpp) on the daemon's HTTP server.

#include "daemon/net/http_server.hpp"
#include "soap/http_handler.hpp"
#include "soap/qbwc_operations.hpp"

namespace settlebridge::app {

/// The Web Connector endpoint at options.mountPath ("/qbwc"): POST for SOAP, GET ?wsdl. `ops` must outlive the
/// server. Before server.start() only.
void mountQbwc(net::HttpServer& server, soap::QbwcOperations& ops, soap::QbwcHttpOptions options = {});

}  // namespace settlebridge::app
