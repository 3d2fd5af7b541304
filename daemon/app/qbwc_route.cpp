#include "daemon/app/qbwc_route.hpp"

#include <memory>
#include <string>
#include <utility>

namespace settlebridge::app {

void mountQbwc(net::HttpServer& server, soap::QbwcOperations& ops, soap::QbwcHttpOptions options) {
    std::string path = options.mountPath;
    auto endpoint = std::make_shared<soap::QbwcHttpEndpoint>(ops, std::move(options));
    server.routeFactory(std::move(path), [endpoint](const Poco::Net::HTTPServerRequest& request) {
        return endpoint->createRequestHandler(request);
    });
}

}  // namespace settlebridge::app
