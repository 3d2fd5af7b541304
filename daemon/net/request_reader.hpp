#pragma once
// Reading requests off the wire, the same for both engines: the checks every request head must pass before its
// body is read (framing that two parsers could read differently is refused: request smuggling), the chunked body
// decoder, and reading what is left of a body nobody wants.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>

namespace settlebridge::net {

/// What the head says about the body, or why the request is refused (then answer `status` and close).
struct HeadCheck {
    Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK;  // OK = acceptable
    std::string reason;
    bool chunked = false;
    std::uint64_t contentLength = 0;  // when not chunked (0 without Content-Length)

    [[nodiscard]] bool ok() const noexcept { return status == Poco::Net::HTTPResponse::HTTP_OK; }
};

/// The checks on a parsed request head, before any of its body is read:
/// - HTTP/1.0 or 1.1;
/// - header names are tokens (no white space before the colon: "Transfer-Encoding :" is refused);
/// - at most one Content-Length, made of digits only; at most one Transfer-Encoding, and then exactly "chunked";
/// - never both Content-Length and Transfer-Encoding (RFC 9112 §6.1: a sign of request smuggling);
/// - the body (Content-Length) no larger than `maxBody` (413).
/// Everything refused here is answered and the connection closed.
HeadCheck checkHead(const Poco::Net::HTTPRequest& request, std::size_t maxBody);

/// Incremental decoder of a chunked request body (RFC 9112 §7.1); chunk extensions and trailers are skipped.
class ChunkedDecoder {
public:
    enum class Result { NeedMore, Done, Malformed, TooLarge };

    /// Decodes what `in` holds from the decoder's position on; `limit` bounds the decoded size.
    Result run(const std::string& in, std::string& out, std::size_t limit);

    void start(std::size_t pos) {
        state_ = State::Size;
        pos_ = pos;
        remaining_ = 0;
    }
    [[nodiscard]] std::size_t end() const noexcept { return pos_; }
    void shift(std::size_t n) noexcept { pos_ = pos_ > n ? pos_ - n : 0; }

private:
    static constexpr std::size_t kMaxLine = 8192;
    enum class State { Size, Data, DataEnd, Trailer };
    State state_ = State::Size;
    std::size_t pos_ = 0;
    std::size_t remaining_ = 0;
};

/// Reads what is left of `body`, at most `budget` bytes. False when the body could not be read to its end within
/// the budget (or broke off): the connection must then be closed.
bool drainBody(std::istream& body, std::size_t budget);

/// Reads and discards what is left of a request body, at most `budget` bytes, so the connection can carry the
/// next request. Returns false when the body is longer (or broken): then answer with keep-alive off. A request
/// without Content-Length or chunked encoding has no body (HTTP/1.1), so nothing is read for it.
bool drainRequestBody(Poco::Net::HTTPServerRequest& request, std::size_t budget);

}  // namespace settlebridge::net
