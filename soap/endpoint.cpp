// The only translation unit that includes gSOAP headers (generated at build time from wsdl/qbwc.wsdl).
#include "soap/endpoint.hpp"

#include <exception>
#include <istream>
#include <new>
#include <sstream>
#include <string>
#include <utility>

#include "soapQBWebConnectorSvcSoapService.h"
// The namespace table libgsoap++ links against. It must sit in the TU that implements the service: in a
// separate TU of a static library the linker drops it ("undefined reference to `namespaces'").
#include "QBWebConnectorSvcSoap.nsmap"

namespace settlebridge::soap {
namespace {

// UTF-8 strings in and out (without it std::string would carry Latin-1), and no HTTP on the gSOAP side:
// Poco's HTTPServer owns the connection, gSOAP only sees the entity body through C++ streams.
constexpr soap_mode kMode = SOAP_C_UTFSTRING | SOAP_ENC_PLAIN | SOAP_XML_STRICT;

// The Web Connector's envelopes nest five elements deep; anything far deeper is not from a SOAP client.
constexpr unsigned int kMaxXmlDepth = 64;

std::string valueOr(const std::string* s) { return s != nullptr ? *s : std::string(); }

// Length of the valid UTF-8 sequence at text[i] that encodes a character XML 1.0 allows, or 0.
std::size_t xmlCharLength(const std::string& text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return k < text.size() && byte(k) >= lo && byte(k) <= hi;
    };
    const unsigned char c = byte(i);
    if (c < 0x80) {
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        return cont(i + 1) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
        if (!cont(i + 1, lo, hi) || !cont(i + 2)) {
            return 0;
        }
        const bool nonCharacter = c == 0xEF && byte(i + 1) == 0xBF && byte(i + 2) >= 0xBE;  // U+FFFE, U+FFFF
        return nonCharacter ? 0 : 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
}

// What goes out must be well-formed XML whatever an operation returned: bytes that are not UTF-8, and
// characters XML 1.0 forbids (control characters, U+FFFE/U+FFFF), become U+FFFD. One pass; no copy when clean.
std::string xmlSafe(std::string text) {
    std::size_t i = 0;
    std::size_t n = 0;
    while (i < text.size() && (n = xmlCharLength(text, i)) > 0) {
        i += n;
    }
    if (i == text.size()) {
        return text;
    }
    std::string out = text.substr(0, i);
    out.reserve(text.size() + 16);
    while (i < text.size()) {
        n = xmlCharLength(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

class QbwcService final : public QBWebConnectorSvcSoapService {
public:
    // Serves on `ctx`, which the caller owns (the thread's context, see ThreadContext); sets its modes and the
    // namespace table.
    QbwcService(struct soap* ctx, QbwcOperations& ops, std::string clientAddress = {})
        : QBWebConnectorSvcSoapService(ctx), ops_(ops), clientAddress_(std::move(clientAddress)) {}

    // Only gSOAP's own socket server copies a service (it is never used here: one context per thread instead);
    // the copy owns a fresh context of its own.
    QBWebConnectorSvcSoapService* copy() override {
        struct soap* fresh = soap_new1(kMode);
        if (fresh == nullptr) {
            throw std::bad_alloc();
        }
        auto* dup = new QbwcService(fresh, ops_);
        dup->soap_own = true;  // the base destructor frees it
        return dup;
    }

    int serverVersion(_qbwc__serverVersion* /*in*/, _qbwc__serverVersionResponse& out) override {
        return guarded("serverVersion", [&] { out.serverVersionResult = text(ops_.serverVersion()); });
    }

    int clientVersion(_qbwc__clientVersion* in, _qbwc__clientVersionResponse& out) override {
        return guarded("clientVersion", [&] {
            out.clientVersionResult = text(ops_.clientVersion(valueOr(in->strVersion)));
        });
    }

    int authenticate(_qbwc__authenticate* in, _qbwc__authenticateResponse& out) override {
        return guarded("authenticate", [&] {
            auto* result = soap_new_qbwc__ArrayOfString(soap);
            result->string = ops_.authenticateFrom(valueOr(in->strUserName), valueOr(in->strPassword), clientAddress_);
            for (auto& item : result->string) {
                item = xmlSafe(std::move(item));
            }
            out.authenticateResult = result;
        });
    }

    int sendRequestXML(_qbwc__sendRequestXML* in, _qbwc__sendRequestXMLResponse& out) override {
        return guarded("sendRequestXML", [&] {
            SendRequestInput args;
            args.ticket = valueOr(in->ticket);
            args.hcpResponse = valueOr(in->strHCPResponse);
            args.companyFileName = valueOr(in->strCompanyFileName);
            args.qbXMLCountry = valueOr(in->qbXMLCountry);
            args.qbXMLMajorVers = in->qbXMLMajorVers;
            args.qbXMLMinorVers = in->qbXMLMinorVers;
            out.sendRequestXMLResult = text(ops_.sendRequestXML(args));
        });
    }

    int receiveResponseXML(_qbwc__receiveResponseXML* in, _qbwc__receiveResponseXMLResponse& out) override {
        return guarded("receiveResponseXML", [&] {
            ReceiveResponseInput args;
            args.ticket = valueOr(in->ticket);
            args.response = valueOr(in->response);
            args.hresult = valueOr(in->hresult);
            args.message = valueOr(in->message);
            out.receiveResponseXMLResult = ops_.receiveResponseXML(args);
        });
    }

    int connectionError(_qbwc__connectionError* in, _qbwc__connectionErrorResponse& out) override {
        return guarded("connectionError", [&] {
            out.connectionErrorResult =
                text(ops_.connectionError(valueOr(in->ticket), valueOr(in->hresult), valueOr(in->message)));
        });
    }

    int getLastError(_qbwc__getLastError* in, _qbwc__getLastErrorResponse& out) override {
        return guarded("getLastError", [&] { out.getLastErrorResult = text(ops_.getLastError(valueOr(in->ticket))); });
    }

    int closeConnection(_qbwc__closeConnection* in, _qbwc__closeConnectionResponse& out) override {
        return guarded("closeConnection",
                       [&] { out.closeConnectionResult = text(ops_.closeConnection(valueOr(in->ticket))); });
    }

private:
    // A result string owned by the soap context, made XML-safe. Always present, so "" goes out as an empty
    // element (the Web Connector reads a missing element and an empty one alike; the captured answers carry it).
    std::string* text(std::string value) {
        auto* s = soap_new_std__string(soap);
        *s = xmlSafe(std::move(value));
        return s;
    }

    // No exception crosses into gSOAP: one thrown by an operation becomes a Server fault that names the
    // operation (the Web Connector shows the fault string in its log and status column).
    template <class F>
    int guarded(const char* operation, F&& body) {
        std::string message;
        try {
            body();
            return SOAP_OK;
        } catch (const std::exception& e) {
            message = std::string("Settlebridge could not process ") + operation + ": " + e.what();
        } catch (...) {
            message = std::string("Settlebridge could not process ") + operation + ": unexpected error";
        }
        return soap_receiverfault(soap_strdup(soap, xmlSafe(std::move(message)).c_str()), nullptr);
    }

    QbwcOperations& ops_;
    std::string clientAddress_;
};

// A Client fault serialized by gSOAP on a context of its own (for requests refused before gSOAP saw them).
std::string writeClientFault(const std::string& message) {
    std::ostringstream out;
    struct soap* ctx = soap_new1(kMode);
    if (ctx == nullptr) {
        throw std::bad_alloc();
    }
    soap_set_namespaces(ctx, namespaces);  // SOAP 1.1 envelope (without a table gSOAP writes a bare <fault>)
    ctx->os = &out;
    soap_sender_fault(ctx, message.c_str(), nullptr);
    soap_send_fault(ctx);
    ctx->os = nullptr;
    soap_destroy(ctx);
    soap_end(ctx);
    soap_free(ctx);
    return out.str();
}

// One gSOAP context per thread, reused for every request that thread serves (creating one costs a large
// allocation and zeroing; see BENCHMARKS.md). Reuse follows gSOAP's own server loop: soap_destroy + soap_end
// free everything a request allocated. Nothing else a request can change survives it: before each request the
// per-request fields are set again (streams, limits, the output sink, header and fault cleared), and after a
// request that failed in any way the context is re-initialized from scratch, so a malformed request cannot leave
// parser state behind for the next one.
class ThreadContext {
public:
    ThreadContext() : ctx_(soap_new1(kMode)) {
        if (ctx_ == nullptr) {
            throw std::bad_alloc();
        }
        configure();
    }
    ~ThreadContext() {
        soap_destroy(ctx_);
        soap_end(ctx_);
        soap_free(ctx_);
    }
    ThreadContext(const ThreadContext&) = delete;
    ThreadContext& operator=(const ThreadContext&) = delete;

    struct soap* get() noexcept { return ctx_; }

    /// After a request: frees what it allocated; `clean` = false re-initializes the whole context.
    void release(bool clean) noexcept {
        ctx_->is = nullptr;
        ctx_->user = nullptr;
        soap_destroy(ctx_);
        soap_end(ctx_);
        if (!clean) {
            soap_done(ctx_);
            soap_initialize(ctx_);
            configure();
        }
    }

private:
    void configure() noexcept {
        soap_imode(ctx_, kMode);
        soap_omode(ctx_, kMode);
        ctx_->fsend = appendToReply;  // the response goes straight into SoapReply::body, no stream in between
        ctx_->os = nullptr;
    }
    // gSOAP's output callback: appends to the std::string in soap->user.
    static int appendToReply(struct soap* ctx, const char* data, std::size_t size) {
        auto* out = static_cast<std::string*>(ctx->user);
        if (out == nullptr) {
            return SOAP_EOF;
        }
        out->append(data, size);
        return SOAP_OK;
    }

    struct soap* ctx_;
};

ThreadContext& threadContext() {
    thread_local ThreadContext context;
    return context;
}

/// The largest body handleSoap takes under `limits`.
std::size_t bodyLimit(const SoapLimits& limits) {
    return limits.maxRequestBytes > 0 ? limits.maxRequestBytes : limits.envelope.maxReceiveResponseBytes;
}

SoapReply tooLarge(std::size_t limit) {
    SoapReply reply;
    reply.status = 500;
    reply.body = soapClientFault("The request is larger than the " + std::to_string(limit) +
                                 " bytes this service accepts.");
    return reply;
}

/// A read-only stream over bytes in memory, one per thread, re-pointed for each call (an istringstream would copy
/// the body and build a stream, with its locale, for every call).
class BodyStream {
public:
    BodyStream() : stream_(&view_) {}
    std::istream& over(std::string_view body) {
        char* p = const_cast<char*>(body.data());  // never written through: the buffer has no put area
        view_.point(p, p + body.size());
        stream_.clear();
        return stream_;
    }

private:
    class View final : public std::streambuf {
    public:
        void point(char* begin, char* end) { setg(begin, begin, end); }
    };
    View view_;
    std::istream stream_;
};

}  // namespace

SoapReply handleSoap(std::istream& input, QbwcOperations& ops, const SoapLimits& limits,
                     const std::string& clientAddress) {
    // Read whole (bounded), then as a body in memory.
    std::string data;
    const std::size_t limit = bodyLimit(limits);
    char buffer[16384];
    while (input.read(buffer, sizeof buffer), input.gcount() > 0) {
        data.append(buffer, static_cast<std::size_t>(input.gcount()));
        if (data.size() > limit) return tooLarge(limit);
    }
    return handleSoap(std::string_view(data), ops, limits, clientAddress);
}

SoapReply handleSoap(std::string_view data, QbwcOperations& ops, const SoapLimits& limits,
                     const std::string& clientAddress) {
    SoapReply reply;
    if (const std::size_t limit = bodyLimit(limits); data.size() > limit) return tooLarge(limit);
    // The cheap pre-scan: nothing gSOAP would spend seconds on gets to it.
    const EnvelopeScan scan = scanEnvelope(data, limits.envelope);
    if (!scan.ok) {
        reply.status = 500;
        reply.body = soapClientFault(scan.problem);
        return reply;
    }
    thread_local BodyStream bodyStream;
    std::istream& body = bodyStream.over(data);
    ThreadContext& context = threadContext();
    struct soap* ctx = context.get();
    ctx->is = &body;
    ctx->user = &reply.body;
    ctx->header = nullptr;
    ctx->fault = nullptr;
    ctx->error = SOAP_OK;
    ctx->recv_maxlength = limits.maxRequestBytes > 0 ? static_cast<ULONG64>(limits.maxRequestBytes) : 0;
    ctx->maxlevel = kMaxXmlDepth;
    reply.body.reserve(1024);

    // One request per call: begin (envelope, header, body), dispatch on the body's first element, and on any
    // error serialize the fault that gSOAP recorded. serve() would loop for keep-alive; the HTTP front owns that.
    // (soap_begin_serve sends its own fault when it fails.)
    {
        QbwcService svc(ctx, ops, clientAddress);  // shares the thread's context (does not own or free it)
        if (soap_begin_serve(ctx) != SOAP_OK) {
            reply.status = 500;
        } else if (svc.dispatch() != SOAP_OK) {
            soap_send_fault(ctx);
            reply.status = 500;
        }
    }
    context.release(/*clean=*/reply.status == 200);
    if (reply.status == 500 && reply.body.empty()) {
        reply.body = soapClientFault("The request is not a SOAP 1.1 message this service understands.");
    }
    return reply;
}

std::string soapClientFault(std::string_view message) { return writeClientFault(xmlSafe(std::string(message))); }

}  // namespace settlebridge::soap
