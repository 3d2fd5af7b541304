#pragma once
// Reading requests off the wire: the chunked body decoder, and reading what is left of a body nobody wants.

#include <cstddef>
#include <istream>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>

namespace settlebridge::net {

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
