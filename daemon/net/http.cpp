#include "daemon/net/http.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "daemon/net/errors.hpp"
#include "daemon/common/text.hpp"

namespace settlebridge::net {

namespace {

Poco::Timespan timespan(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::once_flag sslInitialized;

/// One client TLS context per extra-CA file (contexts are thread-safe and costly to build).
Poco::Net::Context::Ptr clientContext(const std::string& caFile) {
    static std::mutex mutex;
    static std::map<std::string, Poco::Net::Context::Ptr> contexts;
    std::call_once(sslInitialized, [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        params.loadDefaultCAs = true;
        Poco::Net::Context::Ptr defaults = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        // Without a handler of our own, Poco would build one from the application's configuration, whose default
        // (ConsoleCertificateHandler) asks on stdin whether to trust a bad certificate. Refuse, always.
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false), defaults);
    });
    std::lock_guard lock(mutex);
    auto it = contexts.find(caFile);
    if (it != contexts.end()) return it->second;
    Poco::Net::Context::Params params;
    // For a client STRICT checks the server's certificate like RELAXED, and makes Poco check the host name even
    // for localhost (RELAXED skips that check for local names).
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = true;                                  // the system store (/etc/ssl/certs on Debian)
    params.caLocation = caFile;
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot use the CA file " + caFile + ": " + e.displayText());
    }
    contexts.emplace(caFile, context);
    return context;
}

[[noreturn]] void throwNetwork(NetworkError::Kind kind, const std::string& host, const std::string& detail) {
    std::string message;
    switch (kind) {
    case NetworkError::Kind::Refused:
        message = "could not connect to " + host + " (connection refused): check the network connection";
        break;
    case NetworkError::Kind::Timeout:
        message = host + " did not answer in time: check the network connection or try again later";
        break;
    case NetworkError::Kind::Dns:
        message = "could not find " + host + " (name lookup failed): check the network connection";
        break;
    case NetworkError::Kind::Tls:
        message = "the secure connection to " + host +
                  " failed (certificate or TLS problem): a proxy or firewall may be intercepting HTTPS";
        break;
    case NetworkError::Kind::Closed:
        message = "the connection to " + host + " dropped before the answer was complete: try again later";
        break;
    case NetworkError::Kind::Other:
        message = "talking to " + host + " failed: " + detail;
        break;
    }
    throw NetworkError(kind, host, message, detail);
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (common::equalsIgnoreCaseAscii(key, name)) return value;
    }
    return std::nullopt;
}

bool isLoopbackHost(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (common::equalsIgnoreCaseAscii(host, "localhost") || host == "::1") return true;
    // 127.0.0.0/8 written as a dotted quad.
    if (host.substr(0, 4) != "127.") return false;
    int dots = 0;
    for (char c : host) {
        if (c == '.') {
            ++dots;
        } else if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return dots == 3;
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {}

HttpResponse HttpClient::send(const HttpRequest& request) const {
    Poco::URI uri;
    try {
        uri = Poco::URI(request.url);
    } catch (const Poco::Exception& e) {
        throw ConfigError("not a valid URL: " + request.url + " (" + e.displayText() + ")");
    }
    const std::string scheme = uri.getScheme();
    const std::string host = uri.getHost();
    if (host.empty() || (scheme != "https" && scheme != "http")) {
        throw ConfigError("not an absolute http(s) URL: " + request.url);
    }
    if (scheme == "http" && !isLoopbackHost(host)) {
        throw ConfigError("refusing plain http:// to " + host + ": Amazon is only reached over https://");
    }

    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (scheme == "https") {
        session = std::make_unique<Poco::Net::HTTPSClientSession>(host, uri.getPort(), clientContext(options_.caFile));
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(host, uri.getPort());
    }
    session->setTimeout(timespan(options_.connectTimeout), timespan(options_.ioTimeout),
                        timespan(options_.ioTimeout));
    session->setKeepAlive(false);

    std::string target = uri.getPathEtc();
    if (target.empty()) target = "/";
    Poco::Net::HTTPRequest req(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(false);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        if (!request.contentType.empty()) req.setContentType(request.contentType);
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }

    const std::string where = host + (uri.getPort() == 443 || uri.getPort() == 80 ? "" : ":" + std::to_string(uri.getPort()));
    HttpResponse out;
    try {
        std::ostream& os = session->sendRequest(req);
        os << request.body;
        os.flush();
        Poco::Net::HTTPResponse resp;
        std::istream& rs = session->receiveResponse(resp);
        rs.exceptions(std::ios::badbit);  // a timeout or reset mid-body must throw, not look like the end
        out.status = static_cast<int>(resp.getStatus());
        out.reason = resp.getReason();
        for (const auto& [name, value] : resp) out.headers.emplace_back(name, value);
        const auto tooLarge = [&] {
            return NetworkError(NetworkError::Kind::Other, where,
                                "the answer from " + where + " is larger than " +
                                    std::to_string(options_.maxBodyBytes) + " bytes",
                                "body too large");
        };
        // Refused before any of it is read when it says how long it is.
        if (resp.hasContentLength() && resp.getContentLength64() > 0 &&
            static_cast<std::uint64_t>(resp.getContentLength64()) > options_.maxBodyBytes) {
            throw tooLarge();
        }
        char buffer[64 * 1024];
        while (rs) {
            rs.read(buffer, sizeof buffer);
            const auto n = static_cast<std::size_t>(rs.gcount());
            if (n == 0) break;
            if (out.body.size() + n > options_.maxBodyBytes) throw tooLarge();
            out.body.append(buffer, n);
        }
        if (resp.hasContentLength() && resp.getContentLength64() >= 0 &&
            out.body.size() < static_cast<std::size_t>(resp.getContentLength64())) {
            throwNetwork(NetworkError::Kind::Closed, where,
                         "got " + std::to_string(out.body.size()) + " of " +
                             std::to_string(resp.getContentLength64()) + " bytes");
        }
    } catch (const NetworkError&) {
        throw;
    } catch (const Poco::Net::ConnectionRefusedException& e) {
        throwNetwork(NetworkError::Kind::Refused, where, e.displayText());
    } catch (const Poco::TimeoutException& e) {
        throwNetwork(NetworkError::Kind::Timeout, where, e.displayText());
    } catch (const Poco::Net::DNSException& e) {
        throwNetwork(NetworkError::Kind::Dns, where, e.displayText());
    } catch (const Poco::Net::SSLException& e) {
        throwNetwork(NetworkError::Kind::Tls, where, e.displayText());
    } catch (const Poco::Net::ConnectionResetException& e) {
        throwNetwork(NetworkError::Kind::Closed, where, e.displayText());
    } catch (const Poco::Net::ConnectionAbortedException& e) {
        throwNetwork(NetworkError::Kind::Closed, where, e.displayText());
    } catch (const Poco::Net::NoMessageException& e) {
        throwNetwork(NetworkError::Kind::Closed, where, e.displayText());
    } catch (const Poco::Exception& e) {
        throwNetwork(NetworkError::Kind::Other, where, e.displayText());
    } catch (const std::ios_base::failure& e) {
        throwNetwork(NetworkError::Kind::Closed, where, e.what());
    }
    return out;
}

std::string percentEncode(std::string_view text) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0x0F]);
        }
    }
    return out;
}

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out.push_back('&');
        out += percentEncode(name);
        out.push_back('=');
        out += percentEncode(value);
    }
    return out;
}

}  // namespace settlebridge::net
