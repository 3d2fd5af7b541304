#pragma once
// A request and its answer held in memory: the engine reads the whole request (head and body) before the handler
// runs, and the handler's answer is buffered and written by the engine once the handler returns. Both are Poco's
// HTTPServerRequest / HTTPServerResponse, so handlers are the same whichever engine serves them.

#include <cstddef>
#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>

namespace settlebridge::net {

// A read-only view of bytes as a stream buffer (the request body; re-pointed for every request).
class ViewBuf final : public std::streambuf {
public:
    void reset(const char* data, std::size_t size) {
        char* p = const_cast<char*>(data);  // never written through: this buffer has no put area
        setg(p, p, p + size);
    }
};

// A stream buffer that appends to a std::string (the response body).
class AppendBuf final : public std::streambuf {
public:
    explicit AppendBuf(std::string& out) : out_(out) {}

protected:
    int_type overflow(int_type ch) override {
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            out_.push_back(traits_type::to_char_type(ch));
        }
        return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* data, std::streamsize size) override {
        out_.append(data, static_cast<std::size_t>(size));
        return size;
    }

private:
    std::string& out_;
};

// The response a handler fills in: everything is buffered and written by the engine once the handler returns.
class BufferedResponse final : public Poco::Net::HTTPServerResponse {
public:
    BufferedResponse() : sink_(body_), stream_(&sink_) {}

    // The engine answers "Expect: 100-continue" itself before the body is read; by the time a handler runs, the
    // whole body is here, so there is nothing left to continue.
    void sendContinue() override {}
    std::ostream& send() override {
        sent_ = true;
        return stream_;
    }
    void sendFile(const std::string& path, const std::string& mediaType) override;
    void sendBuffer(const void* buffer, std::size_t length) override {
        body_.append(static_cast<const char*>(buffer), length);
        sent_ = true;
    }
    void redirect(const std::string& uri, HTTPStatus status) override {
        setStatusAndReason(status);
        set("Location", uri);
        body_.clear();
        sent_ = true;
    }
    void requireAuthentication(const std::string& realm) override {
        setStatusAndReason(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
        std::string value = "Basic realm=\"";
        value += realm;
        value += '"';
        set("WWW-Authenticate", value);
        body_.clear();
        sent_ = true;
    }
    [[nodiscard]] bool sent() const override { return sent_; }

    std::string& body() noexcept { return body_; }
    void discard() {
        body_.clear();
        sent_ = false;
    }

private:
    std::string body_;
    AppendBuf sink_;
    std::ostream stream_;
    bool sent_ = false;
};

class BufferedRequest final : public Poco::Net::HTTPServerRequest {
public:
    BufferedRequest(Poco::Net::HTTPServerResponse& response, const Poco::Net::SocketAddress& client,
                    const Poco::Net::SocketAddress& server, const Poco::Net::HTTPServerParams& params, bool secure)
        : response_(response), client_(client), server_(server), params_(params), secure_(secure), body_(&view_) {}

    std::istream& stream() override { return body_; }
    [[nodiscard]] const Poco::Net::SocketAddress& clientAddress() const override { return client_; }
    [[nodiscard]] const Poco::Net::SocketAddress& serverAddress() const override { return server_; }
    [[nodiscard]] const Poco::Net::HTTPServerParams& serverParams() const override { return params_; }
    [[nodiscard]] Poco::Net::HTTPServerResponse& response() const override { return response_; }
    [[nodiscard]] bool secure() const override { return secure_; }

    /// Parses the request line and headers (Poco's parser: same limits and errors as Poco's HTTPServer).
    void parseHead(const char* data, std::size_t size) {
        view_.reset(data, size);
        body_.clear();
        read(body_);
    }
    void setBody(const char* data, std::size_t size) {
        view_.reset(data, size);
        body_.clear();
        bodyData_ = data;
        bodySize_ = size;
    }
    /// The whole body (both engines read it before the handler runs), without going through stream().
    [[nodiscard]] std::string_view body() const noexcept { return {bodyData_, bodySize_}; }

private:
    Poco::Net::HTTPServerResponse& response_;
    const Poco::Net::SocketAddress& client_;
    const Poco::Net::SocketAddress& server_;
    const Poco::Net::HTTPServerParams& params_;
    bool secure_;
    ViewBuf view_;
    std::istream body_;
    const char* bodyData_ = nullptr;
    std::size_t bodySize_ = 0;
};


/// The Date header's value, formatted once a second per thread.
const std::string& httpDate();

/// Appends a header name or value, with CR and LF replaced by spaces (header values go out on one line whatever a
/// handler put in them).
void appendHeaderValue(std::string& out, const std::string& value);

}  // namespace settlebridge::net
