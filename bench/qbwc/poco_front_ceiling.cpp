// The ceiling of Poco's thread-per-connection HTTPServer on this machine: a Poco::Net::HTTPServer whose only
// handler reads the request body and answers the captured clientVersion response from memory (no SOAP parsing,
// no routing, no logic). Whatever Poco's HTTP front costs per request is all that is left, so no endpoint built on
// it can be faster than this. run_qbwc_bench.sh builds and measures it with POCO_CEILING=1 (see BENCHMARKS.md).
//
//   g++ -O2 -std=c++17 poco_front_ceiling.cpp -o poco_front_ceiling -lPocoNet -lPocoFoundation -lpthread
//   ./poco_front_ceiling [maxThreads]      # prints the port, serves until killed
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

const std::string kAnswer =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope "
    "xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:qbwc=\"http://developer.intuit.com/\">"
    "<SOAP-ENV:Body><qbwc:clientVersionResponse><qbwc:clientVersionResult></qbwc:clientVersionResult>"
    "</qbwc:clientVersionResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>\n";

class FixedAnswer final : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        response.setContentType("text/xml; charset=utf-8");
        response.sendBuffer(kAnswer.data(), kAnswer.size());
    }
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new FixedAnswer;
    }
};

}  // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 64;  // Settlebridge's former default (HttpServerConfig)
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    Poco::ThreadPool pool(2, threads);
    Poco::Net::HTTPServer server(new Factory, pool, socket, params);
    server.start();
    std::cout << socket.address().port() << std::endl;
    pause();
    return 0;
}
