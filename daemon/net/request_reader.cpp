#include "daemon/net/request_reader.hpp"

#include <algorithm>
#include <array>

namespace settlebridge::net {

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
