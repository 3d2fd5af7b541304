#pragma once
// One HTTP exchange over Poco: HTTPS with certificate verification against the system CA store (plus an
// optional extra CA file), plain HTTP only to loopback hosts (the simulators in tests). No retries here:
// callers decide (see retry.hpp). Network failures become NetworkError; any HTTP status is returned as is.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settlebridge::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// The largest answer (and, in the report clients, the largest decompressed report) the daemon takes in:
/// settlement and ad reports are a few MB, the largest sellers' some tens. A larger one is refused as soon as its
/// Content-Length (or the bytes read so far) says so, so a wrong or hostile server cannot fill the memory
/// (issue 16, finding 9; docs/SECURITY.md).
inline constexpr std::size_t kMaxDownloadBytes = std::size_t{256} << 20;

struct HttpOptions {
    std::chrono::milliseconds connectTimeout{15'000};
    /// Each send and each receive (a stalled transfer fails after this long without data).
    std::chrono::milliseconds ioTimeout{60'000};
    /// A PEM file of extra trusted CAs (tests with their own certificate; Windows builds, where OpenSSL does
    /// not read the system store). The system store is always used as well.
    std::string caFile;
    /// Refuse bodies larger than this (a settlement report is a few MB; this only guards against nonsense).
    std::size_t maxBodyBytes = kMaxDownloadBytes;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;  // absolute: https://host[:port]/path?query
    HeaderList headers;
    std::string body;
    std::string contentType;  // for a body
};

struct HttpResponse {
    int status = 0;
    std::string reason;
    HeaderList headers;  // names as received
    std::string body;

    /// The first header of that name (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;
};

/// True for `localhost`, 127.0.0.0/8 and ::1 (with or without brackets).
bool isLoopbackHost(std::string_view host);

class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});

    /// Sends the request and reads the whole response. Throws ConfigError for a URL that is not absolute
    /// http(s), or http:// to a host that is not loopback; NetworkError when no complete answer arrives.
    HttpResponse send(const HttpRequest& request) const;

    const HttpOptions& options() const noexcept { return options_; }

private:
    HttpOptions options_;
};

/// `application/x-www-form-urlencoded` encoding of name/value pairs (RFC 3986 unreserved kept, rest %XX).
std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields);
/// Percent-encodes a query component (unreserved characters kept; everything else %XX, so `,` too).
std::string percentEncode(std::string_view text);

}  // namespace settlebridge::net
