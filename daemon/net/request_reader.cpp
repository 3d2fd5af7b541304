#include "daemon/net/request_reader.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace settlebridge::net {

namespace {

bool equalsIgnoreCase(const std::string& a, const char* b) {
    std::size_t i = 0;
    for (; i < a.size() && b[i] != '\0'; ++i) {
        const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
        if (x != y) return false;
    }
    return i == a.size() && b[i] == '\0';
}

// RFC 9110 §5.6.2 token characters.
bool isToken(const std::string& name) {
    if (name.empty()) return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
    }
    return true;
}

HeadCheck refuse(Poco::Net::HTTPResponse::HTTPStatus status, std::string reason) {
    HeadCheck check;
    check.status = status;
    check.reason = std::move(reason);
    return check;
}

}  // namespace

HeadCheck checkHead(const Poco::Net::HTTPRequest& request, std::size_t maxBody) {
    using Poco::Net::HTTPResponse;
    const std::string& version = request.getVersion();
    if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0) {
        return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: not an HTTP/1.x request\n");
    }
    int lengths = 0;
    int encodings = 0;
    std::string length;
    std::string encoding;
    for (const auto& [name, value] : request) {
        if (!isToken(name)) {
            return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: malformed header name\n");
        }
        if (equalsIgnoreCase(name, "content-length")) {
            ++lengths;
            length = value;
        } else if (equalsIgnoreCase(name, "transfer-encoding")) {
            ++encodings;
            encoding = value;
        }
    }
    if (lengths > 1 || encodings > 1) {
        return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: repeated Content-Length or Transfer-Encoding\n");
    }
    if (lengths == 1 && encodings == 1) {
        return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: both Content-Length and Transfer-Encoding\n");
    }
    HeadCheck check;
    if (encodings == 1) {
        if (!equalsIgnoreCase(encoding, "chunked")) {
            return refuse(HTTPResponse::HTTP_NOT_IMPLEMENTED, "Transfer-Encoding not supported\n");
        }
        if (version == Poco::Net::HTTPMessage::HTTP_1_0) {
            return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: chunked encoding in HTTP/1.0\n");
        }
        check.chunked = true;
        return check;
    }
    if (lengths == 1) {
        if (length.empty() || length.size() > 18) {
            return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: malformed Content-Length\n");
        }
        std::uint64_t n = 0;
        for (const char c : length) {
            if (c < '0' || c > '9') {
                return refuse(HTTPResponse::HTTP_BAD_REQUEST, "Bad request: malformed Content-Length\n");
            }
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (n > maxBody) {
            return refuse(HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "Request body too large\n");
        }
        check.contentLength = n;
    }
    return check;
}

ChunkedDecoder::Result ChunkedDecoder::run(const std::string& in, std::string& out, std::size_t limit) {
    for (;;) {
        switch (state_) {
        case State::Size: {
            const std::size_t nl = in.find('\n', pos_);
            if (nl == std::string::npos) {
                return in.size() - pos_ > kMaxLine ? Result::Malformed : Result::NeedMore;
            }
            std::size_t size = 0;
            std::size_t i = pos_;
            int digits = 0;
            for (; i < nl; ++i) {
                const char c = in[i];
                int v = -1;
                if (c >= '0' && c <= '9') v = c - '0';
                else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
                if (v < 0) break;
                if (++digits > 15) return Result::Malformed;
                size = size * 16 + static_cast<std::size_t>(v);
            }
            if (digits == 0 || (i < nl && in[i] != ';' && in[i] != '\r' && in[i] != ' ' && in[i] != '\t')) {
                return Result::Malformed;
            }
            pos_ = nl + 1;
            if (size == 0) {
                state_ = State::Trailer;
            } else if (out.size() + size > limit) {
                return Result::TooLarge;
            } else {
                remaining_ = size;
                state_ = State::Data;
            }
            break;
        }
        case State::Data: {
            const std::size_t take = std::min(remaining_, in.size() - pos_);
            out.append(in, pos_, take);
            pos_ += take;
            remaining_ -= take;
            if (remaining_ > 0) {
                return Result::NeedMore;
            }
            state_ = State::DataEnd;
            break;
        }
        case State::DataEnd:
            if (pos_ >= in.size()) return Result::NeedMore;
            if (in[pos_] == '\r') {
                if (pos_ + 1 >= in.size()) return Result::NeedMore;
                if (in[pos_ + 1] != '\n') return Result::Malformed;
                pos_ += 2;
            } else if (in[pos_] == '\n') {
                pos_ += 1;
            } else {
                return Result::Malformed;
            }
            state_ = State::Size;
            break;
        case State::Trailer: {
            const std::size_t nl = in.find('\n', pos_);
            if (nl == std::string::npos) {
                return in.size() - pos_ > kMaxLine ? Result::Malformed : Result::NeedMore;
            }
            const bool empty = nl == pos_ || (nl == pos_ + 1 && in[pos_] == '\r');
            pos_ = nl + 1;
            if (empty) {
                return Result::Done;
            }
            break;
        }
        }
    }
}

bool drainBody(std::istream& body, std::size_t budget) {
    std::array<char, 16384> buf{};
    std::size_t total = 0;
    while (body.good()) {
        body.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        total += static_cast<std::size_t>(body.gcount());
        if (total > budget) {
            return false;
        }
    }
    return body.eof() && !body.bad();
}

bool drainRequestBody(Poco::Net::HTTPServerRequest& request, std::size_t budget) {
    if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) {
        return true;
    }
    return drainBody(request.stream(), budget);
}

}  // namespace settlebridge::net
