#include "daemon/app/qbwc_route.hpp"

#include <memory>
#include <string>
#include <utility>

namespace settlebridge::app {

void mountQbwc(net::HttpServer& server, soap::QbwcOperations& ops, soap::QbwcHttpOptions options) {
    std::string path = options.mountPath;
    // The route's body limit is the endpoint's: larger bodies are refused from their Content-Length, or while a
    // chunked one is read, before any of it reaches the SOAP layer.
    net::RouteOptions route;
    route.maxBodyBytes = options.limits.maxRequestBytes;
    auto endpoint = std::make_shared<soap::QbwcHttpEndpoint>(ops, std::move(options));
    server.routeFactory(std::move(path), [endpoint](const Poco::Net::HTTPServerRequest& request) {
        return endpoint->createRequestHandler(request);
    }, route);
}

}  // namespace settlebridge::app
