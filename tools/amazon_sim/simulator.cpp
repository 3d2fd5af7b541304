#include "tools/amazon_sim/simulator.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

#include "daemon/common/datetime.hpp"
#include "daemon/common/text.hpp"

namespace amazon_sim {

namespace {

namespace fs = std::filesystem;
using Json = Poco::JSON::Object;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kReportsPath = "/reports/2021-06-30/reports";
constexpr std::string_view kDocumentsPath = "/reports/2021-06-30/documents/";
constexpr std::int64_t kRetentionSeconds = 90LL * 24 * 3600;

std::string randomHex(std::size_t bytes) {
    static std::mutex mutex;
    static std::mt19937_64 engine{std::random_device{}()};
    std::lock_guard lock(mutex);
    static const char* const hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto b = static_cast<unsigned>(engine() & 0xFF);
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 0xF]);
    }
    return out;
}

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string iso(std::int64_t utc) { return settlebridge::common::formatIsoUtc(utc); }

std::string amzDate(std::int64_t utc) {
    const auto c = settlebridge::common::civilFromUtc(utc);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02u%02u%02uZ", c.date.year, c.date.month, c.date.day, c.hour,
                  c.minute, c.second);
    return buffer;
}

std::optional<std::int64_t> parseAmzDate(const std::string& text) {
    if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len) -> std::optional<unsigned> {
        unsigned v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
            v = v * 10 + static_cast<unsigned>(text[i] - '0');
        }
        return v;
    };
    const auto y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), s = num(13, 2);
    if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
    settlebridge::common::CivilDateTime c;
    c.date = {static_cast<int>(*y), *mo, *d};
    c.hour = *h;
    c.minute = *mi;
    c.second = *s;
    return settlebridge::common::utcFromCivil(c);
}

std::string stringify(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string errorsBody(const std::string& code, const std::string& message, const std::string& details = "") {
    Json error(Poco::JSON_PRESERVE_KEY_ORDER);
    error.set("code", code);
    error.set("message", message);
    error.set("details", details);
    Poco::JSON::Array errors;
    errors.add(error);
    Json root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("errors", errors);
    return stringify(root);
}

std::string lwaErrorBody(const std::string& error, const std::string& description) {
    Json root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("error_description", description);
    root.set("error", error);
    return stringify(root);
}

std::string xmlEscape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

std::string s3ErrorBody(const std::string& code, const std::string& message, const std::string& extra = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
           xmlEscape(message) + "</Message>" + extra + "<RequestId>" + randomHex(8) + "</RequestId><HostId>" +
           randomHex(24) + "</HostId></Error>";
}

std::string gzipBytes(const std::string& plain) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib deflateInit2 failed");
    }
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    std::array<char, 64 * 1024> buffer{};
    int rc = Z_OK;
    do {
        zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
        zs.avail_out = static_cast<uInt>(buffer.size());
        rc = deflate(&zs, Z_FINISH);
        out.append(buffer.data(), buffer.size() - zs.avail_out);
    } while (rc == Z_OK);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
    return out;
}

/// Inflates as much of a gzip stream as there is (a truncated file still yields its first lines).
std::string gunzipLenient(const std::string& bytes) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return "";
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
        zs.avail_out = static_cast<uInt>(buffer.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buffer.data(), buffer.size() - zs.avail_out);
        if (rc != Z_OK) break;
    }
    inflateEnd(&zs);
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> splitTabs(std::string_view line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        std::string cell(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
        while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
        out.push_back(std::move(cell));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return out;
}

struct SettlementHeader {
    std::string settlementId;
    std::int64_t startUtc = 0;
    std::int64_t endUtc = 0;
};

/// The settlement id and dates from the header and the first data line; empty for a file that is not a
/// settlement report (it is served all the same: Settlebridge must cope with it).
SettlementHeader readSettlementHeader(const std::string& plain) {
    SettlementHeader out;
    std::vector<std::string> lines;
    std::size_t pos = 0;
    if (plain.rfind("\xEF\xBB\xBF", 0) == 0) pos = 3;
    while (pos < plain.size() && lines.size() < 2) {
        auto end = plain.find('\n', pos);
        if (end == std::string::npos) end = plain.size();
        std::string line = plain.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(std::move(line));
        pos = end + 1;
    }
    if (lines.size() < 2) return out;
    const auto names = splitTabs(lines[0]);
    const auto values = splitTabs(lines[1]);
    auto cell = [&](std::string_view name) -> std::string {
        for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
            if (names[i] == name) return values[i];
        }
        return "";
    };
    out.settlementId = cell("settlement-id");
    out.startUtc = settlebridge::common::parseDateTime(cell("settlement-start-date")).value_or(0);
    out.endUtc = settlebridge::common::parseDateTime(cell("settlement-end-date")).value_or(0);
    return out;
}

std::vector<std::string> regionMarketplaces(const std::string& region) {
    if (region == "EU") {
        return {"A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS"};
    }
    if (region == "FE") return {"A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"};
    return {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"};
}

std::vector<std::string> splitComma(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto comma = text.find(',', start);
        out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string html(const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + xmlEscape(title) +
           "</title></head>\n<body>\n<h1>" + xmlEscape(title) + "</h1>\n" + body + "\n</body></html>\n";
}

std::string urlEncode(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]%\"<>^`{|}\\ ", out);
    return out;
}

}  // namespace

Simulator::Simulator(Options options) : options_(std::move(options)), urlSecret_(randomHex(32)) {
    if (options_.marketplaceIds.empty()) options_.marketplaceIds = regionMarketplaces(options_.region);
    refreshTokens_.insert(options_.refreshTokens.begin(), options_.refreshTokens.end());
    loadReports();
}

void Simulator::setBoundPort(std::uint16_t port) {
    std::lock_guard lock(mutex_);
    boundPort_ = port;
}

std::size_t Simulator::reportCount() const {
    std::lock_guard lock(mutex_);
    return reports_.size();
}

Simulator::Report Simulator::makeReport(std::string source, std::string content, bool gzipped,
                                        std::int64_t createdUtc) {
    Report r;
    r.reportId = std::to_string(nextReportNumber_++);
    const std::string lowered = settlebridge::common::asciiLower(options_.region);
    r.documentId = "amzn1.spdoc.1.4." + lowered + "." + randomHex(4) + "-" + randomHex(2) + "-" + randomHex(2) + "-" +
                   randomHex(2) + "-" + randomHex(6) + ".T" + randomHex(6) + "." + r.reportId.substr(r.reportId.size() - 4);
    r.source = std::move(source);
    const std::string plain = gzipped ? gunzipLenient(content) : content;
    const SettlementHeader header = readSettlementHeader(plain);
    r.settlementId = header.settlementId;
    r.createdUtc = createdUtc;
    r.dataStartUtc = header.startUtc != 0 ? header.startUtc : createdUtc;
    r.dataEndUtc = header.endUtc != 0 ? header.endUtc : createdUtc;
    r.gzip = gzipped;
    r.body = std::move(content);
    return r;
}

void Simulator::loadReports() {
    std::vector<std::string> files = options_.reportFiles;
    if (!options_.reportsDir.empty()) {
        std::error_code ec;
        std::vector<std::string> inDir;
        for (const auto& entry : fs::directory_iterator(options_.reportsDir, ec)) {
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
                inDir.push_back(entry.path().string());
            }
        }
        if (ec) throw std::runtime_error("cannot list " + options_.reportsDir + ": " + ec.message());
        std::sort(inDir.begin(), inDir.end());
        files.insert(files.end(), inDir.begin(), inDir.end());
    }
    struct Loaded {
        std::string path;
        std::string content;
        bool gzip;
        std::int64_t endUtc;
    };
    std::vector<Loaded> loaded;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string content = readFile(files[i]);
        const bool isGz = files[i].size() > 3 && files[i].substr(files[i].size() - 3) == ".gz";
        bool gzip = isGz;
        if (!isGz && (options_.gzip == "all" || (options_.gzip == "alternate" && i % 2 == 1))) {
            content = gzipBytes(content);
            gzip = true;
        } else if (isGz && options_.gzip == "none") {
            content = gunzipLenient(content);
            gzip = false;
        }
        const SettlementHeader header = readSettlementHeader(gzip ? gunzipLenient(content) : content);
        loaded.push_back({files[i], std::move(content), gzip, header.endUtc});
    }
    // "recent": the reports were created over the last hours, oldest settlement first, so any download window
    // sees them all; "settlement": an hour after each settlement's end, as Amazon does.
    std::stable_sort(loaded.begin(), loaded.end(), [](const Loaded& a, const Loaded& b) { return a.endUtc < b.endUtc; });
    const std::int64_t now = wallNow();
    for (std::size_t i = 0; i < loaded.size(); ++i) {
        std::int64_t created = now - static_cast<std::int64_t>(loaded.size() - i) * 3600;
        if (options_.createdTimes == "settlement" && loaded[i].endUtc != 0) created = loaded[i].endUtc + 3600;
        reports_.push_back(makeReport(loaded[i].path, std::move(loaded[i].content), loaded[i].gzip, created));
    }
}

void Simulator::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    Reply reply;
    std::string operation = "unknown";
    std::string path;
    std::string query;
    std::map<std::string, std::string> headers;
    try {
        const std::string& uri = request.getURI();
        const auto question = uri.find('?');
        path = uri.substr(0, question);
        query = question == std::string::npos ? "" : uri.substr(question + 1);
        for (const auto& [name, value] : request) {
            headers[settlebridge::common::asciiLower(name)] = value;
        }
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        std::lock_guard lock(mutex_);
        reply = route(request.getMethod(), path, query, headers, body, operation);
        if (operation != "control") {
            ++counts_[operation];
            RequestRecord record{++requestSeq_, operation, request.getMethod(), path, query, headers, reply.status};
            if (requests_.size() >= 10'000) requests_.erase(requests_.begin());
            requests_.push_back(std::move(record));
        }
    } catch (const std::exception& e) {
        reply = Reply{500, "text/plain", std::string("simulator error: ") + e.what() + "\n", {}};
    }
    try {
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
        response.setContentType(reply.contentType);
        for (const auto& [name, value] : reply.headers) response.set(name, value);
        response.sendBuffer(reply.body.data(), reply.body.size());
    } catch (...) {
        // The client went away; nothing to do.
    }
}

Simulator::Reply Simulator::route(const std::string& method, const std::string& path, const std::string& query,
                                  const std::map<std::string, std::string>& headers, const std::string& body,
                                  std::string& operation) {
    Poco::URI::QueryParameters params;
    try {
        params = Poco::URI("/?" + query).getQueryParameters();
    } catch (const Poco::Exception&) {
    }
    std::map<std::string, std::string> q;
    std::vector<std::string> names;
    for (auto& [name, value] : params) {
        names.push_back(name);
        q[name] = value;
    }

    if (path == "/_control" || path == "/_control/requests") {
        operation = "control";
        if (method == "GET") return controlState();
        return control(method, body);
    }
    if (path == "/apps/authorize/consent" && method == "GET") {
        operation = "consent";
        if (auto failure = injectedFailure(operation)) return *failure;
        return consentPage(q);
    }
    if (path == "/apps/authorize/confirm" && method == "GET") {
        operation = "consent";
        return consentConfirm(q);
    }
    if (path == "/auth/o2/token") {
        operation = "token";
        if (method != "POST") return Reply{405, "application/json", lwaErrorBody("invalid_request", "POST only"), {}};
        if (auto failure = injectedFailure(operation)) return *failure;
        return token(body, headers);
    }
    if (path.rfind("/_s3/", 0) == 0 && method == "GET") {
        operation = "download";
        if (auto failure = injectedFailure(operation)) return *failure;
        return download(path.substr(5), q);
    }

    // SP-API, at the root or under /_region/XX (a region's endpoint, to test a wrong-region connection).
    std::string apiPath = path;
    std::string regionPrefix;
    if (apiPath.rfind("/_region/", 0) == 0 && apiPath.size() > 11) {
        regionPrefix = apiPath.substr(9, 2);
        apiPath = apiPath.substr(11);
    }
    if (apiPath == kReportsPath || apiPath.rfind(kDocumentsPath, 0) == 0) {
        operation = apiPath == kReportsPath ? "getReports" : "getReportDocument";
        if (method != "GET") {
            return Reply{405, "application/json", errorsBody("MethodNotAllowed", "Only GET is simulated."), {}};
        }
        if (auto denied = checkAccess(headers, regionPrefix)) return *denied;
        if (auto failure = injectedFailure(operation)) return *failure;
        if (auto throttled = throttle(operation)) return *throttled;
        Reply reply = operation == "getReports" ? getReports(q, names)
                                                : getReportDocument(apiPath.substr(kDocumentsPath.size()));
        if (reply.status == 200 || reply.status == 400 || reply.status == 404) addRateHeader(reply, operation);
        reply.headers.emplace_back("x-amzn-RequestId", randomHex(4) + "-" + randomHex(2) + "-" + randomHex(2) + "-" +
                                                           randomHex(2) + "-" + randomHex(6));
        return reply;
    }
    operation = "other";
    return Reply{404, "application/json", errorsBody("NotFound", "Resource not found."), {}};
}

std::optional<Simulator::Reply> Simulator::checkAccess(const std::map<std::string, std::string>& headers,
                                                       const std::string& regionPrefix) {
    auto denied = [](int status, const std::string& details) {
        return Reply{status, "application/json",
                     errorsBody("Unauthorized", "Access to requested resource is denied.", details),
                     {{"x-amzn-ErrorType", "AccessDeniedException"}}};
    };
    const auto token = headers.find("x-amz-access-token");
    if (token == headers.end() || token->second.empty()) {
        return denied(403, "Access token is missing in the request header.");
    }
    const auto it = accessTokens_.find(token->second);
    if (it == accessTokens_.end()) return denied(403, "The access token you provided is revoked, malformed or invalid.");
    if (Clock::now() >= it->second.expiresAt) {
        return denied(options_.expiredTokenStatus, "The access token you provided has expired.");
    }
    const auto agent = headers.find("user-agent");
    if (agent == headers.end() || agent->second.empty() || agent->second.size() > 500) {
        return Reply{400, "application/json",
                     errorsBody("InvalidInput", "A User-Agent header of at most 500 characters is required."), {}};
    }
    if (!regionPrefix.empty() && regionPrefix != options_.region) return denied(403, "");
    return std::nullopt;
}

std::optional<Simulator::Reply> Simulator::injectedFailure(const std::string& operation) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (it->operation != operation || it->remaining <= 0) continue;
        Failure f = *it;
        if (--it->remaining <= 0) failures_.erase(it);
        Reply reply;
        reply.status = f.status;
        if (f.retryAfter) reply.headers.emplace_back("Retry-After", std::to_string(*f.retryAfter));
        if (operation == "download") {
            reply.contentType = "application/xml";
            std::string code = f.code;
            std::string message = f.message;
            if (code.empty()) {
                code = f.status == 503 ? "SlowDown" : f.status == 403 ? "AccessDenied" : "InternalError";
            }
            if (message.empty()) {
                message = f.status == 503   ? "Please reduce your request rate."
                          : f.status == 403 ? "Access Denied"
                                            : "We encountered an internal error. Please try again.";
            }
            reply.body = s3ErrorBody(code, message);
        } else if (operation == "token") {
            reply.contentType = "application/json;charset=UTF-8";
            reply.body = lwaErrorBody(f.code.empty() ? (f.status >= 500 ? "server_error" : "invalid_request") : f.code,
                                      f.message.empty() ? "Simulated failure" : f.message);
        } else if (operation == "consent") {
            reply.contentType = "text/html; charset=utf-8";
            reply.body = html("Seller Central error", "<p>" + xmlEscape(f.message.empty() ? "Simulated failure" : f.message) + "</p>");
        } else {
            std::string code = f.code;
            std::string message = f.message;
            if (code.empty()) {
                switch (f.status) {
                case 429: code = "QuotaExceeded"; break;
                case 400: code = "InvalidInput"; break;
                case 401:
                case 403: code = "Unauthorized"; break;
                case 404: code = "NotFound"; break;
                case 503: code = "ServiceUnavailable"; break;
                default: code = "InternalFailure"; break;
                }
            }
            if (message.empty()) {
                if (f.status == 429) message = "You exceeded your quota for the requested resource.";
                else if (f.status == 401 || f.status == 403) message = "Access to requested resource is denied.";
                else if (f.status >= 500) message = "We encountered an internal error. Please try again.";
                else message = "Simulated failure.";
            }
            reply.contentType = "application/json";
            reply.body = errorsBody(code, message);
            if (f.status == 429) reply.headers.emplace_back("x-amzn-ErrorType", "TooManyRequestsException");
            reply.headers.emplace_back("x-amzn-RequestId", randomHex(8));
        }
        if (f.body) {
            reply.body = *f.body;
            if (!f.contentType.empty()) reply.contentType = f.contentType;
        }
        return reply;
    }
    return std::nullopt;
}

std::optional<Simulator::Reply> Simulator::throttle(const std::string& operation) {
    if (!options_.enforceRateLimits) return std::nullopt;
    const auto setting = options_.rates.find(operation);
    if (setting == options_.rates.end()) return std::nullopt;
    const auto now = Clock::now();
    auto [it, inserted] = buckets_.try_emplace(operation, Bucket{setting->second.burst, now});
    Bucket& b = it->second;
    if (!inserted) {
        const double seconds = std::chrono::duration<double>(now - b.last).count();
        b.tokens = std::min(setting->second.burst, b.tokens + seconds * setting->second.perSecond);
        b.last = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return Reply{429, "application/json",
                 errorsBody("QuotaExceeded", "You exceeded your quota for the requested resource."),
                 {{"x-amzn-ErrorType", "TooManyRequestsException"}, {"x-amzn-RequestId", randomHex(8)}}};
}

void Simulator::addRateHeader(Reply& reply, const std::string& operation) const {
    const auto it = options_.rates.find(operation);
    if (it != options_.rates.end()) reply.headers.emplace_back("x-amzn-RateLimit-Limit", it->second.text);
}

Simulator::Reply Simulator::consentPage(const std::map<std::string, std::string>& q) {
    auto get = [&](const char* name) {
        const auto it = q.find(name);
        return it == q.end() ? std::string() : it->second;
    };
    const std::string app = get("application_id");
    const std::string state = get("state");
    std::string redirect = get("redirect_uri");
    auto error = [](const std::string& code, const std::string& text) {
        return Reply{400, "text/html; charset=utf-8",
                     html("Seller Central (simulated): authorization error",
                          "<p id=\"error\">Error " + code + ": " + xmlEscape(text) + "</p>"),
                     {}};
    };
    if (app != options_.applicationId) return error("MD9100", "The application id \"" + app + "\" is not known.");
    if (options_.draftApp && get("version") != "beta") {
        return error("MD1000", "This application is in Draft state: add version=beta to the authorization URI.");
    }
    if (redirect.empty() && !options_.redirectUris.empty()) redirect = options_.redirectUris.front();
    if (redirect.empty()) return error("MD5101", "No redirect URI is registered for this application.");
    if (!options_.redirectUris.empty() &&
        std::find(options_.redirectUris.begin(), options_.redirectUris.end(), redirect) == options_.redirectUris.end()) {
        return error("MD5101", "The redirect URI \"" + redirect + "\" is not registered for this application.");
    }
    const std::string confirm = "/apps/authorize/confirm?application_id=" + urlEncode(app) + "&state=" +
                                urlEncode(state) + "&redirect_uri=" + urlEncode(redirect);
    return Reply{200, "text/html; charset=utf-8",
                 html("Seller Central (simulated): authorize an app",
                      "<p>Seller <b id=\"seller\">" + xmlEscape(options_.sellerId) + "</b> (" +
                          xmlEscape(options_.region) + "), authorize <b id=\"app\">" + xmlEscape(app) +
                          "</b> to read your reports?</p>\n<p><a id=\"authorize\" href=\"" + xmlEscape(confirm) +
                          "\">Authorize</a></p>"),
                 {}};
}

Simulator::Reply Simulator::consentConfirm(const std::map<std::string, std::string>& q) {
    auto get = [&](const char* name) {
        const auto it = q.find(name);
        return it == q.end() ? std::string() : it->second;
    };
    const std::string redirect = get("redirect_uri");
    if (get("application_id") != options_.applicationId || redirect.empty()) {
        return Reply{400, "text/html; charset=utf-8", html("Seller Central (simulated)", "<p>Bad request.</p>"), {}};
    }
    const std::string code = "ANsim" + randomHex(10);
    codes_[code] = AuthCode{redirect, Clock::now() + std::chrono::seconds(options_.codeLifetime), false};
    const std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") +
                                 "spapi_oauth_code=" + urlEncode(code) + "&state=" + urlEncode(get("state")) +
                                 "&selling_partner_id=" + urlEncode(options_.sellerId);
    return Reply{302, "text/html; charset=utf-8", html("Redirecting", "<p><a href=\"" + xmlEscape(location) + "\">Continue</a></p>"),
                 {{"Location", location}}};
}

Simulator::Reply Simulator::token(const std::string& body, const std::map<std::string, std::string>&) {
    Poco::Net::HTMLForm form;
    try {
        form.read(body);  // application/x-www-form-urlencoded
    } catch (const Poco::Exception&) {
    }
    auto reply = [](int status, const std::string& json) {
        return Reply{status, "application/json;charset=UTF-8", json,
                     {{"Cache-Control", "no-cache, no-store, must-revalidate"}, {"Pragma", "no-cache"}}};
    };
    const std::string grant = form.get("grant_type", "");
    if (form.get("client_id", "") != options_.clientId || form.get("client_secret", "") != options_.clientSecret) {
        return reply(401, lwaErrorBody("invalid_client", "Client authentication failed"));
    }
    auto issue = [&](const std::string& refreshToken) {
        const std::string access = "Atza|sim-" + randomHex(24);
        accessTokens_[access] = AccessToken{refreshToken, Clock::now() + std::chrono::seconds(options_.tokenLifetime)};
        Json root(Poco::JSON_PRESERVE_KEY_ORDER);
        root.set("access_token", access);
        root.set("refresh_token", refreshToken);
        root.set("token_type", "bearer");
        root.set("expires_in", options_.tokenLifetime);
        return reply(200, stringify(root));
    };
    if (grant == "refresh_token") {
        const std::string refresh = form.get("refresh_token", "");
        if (refresh.empty()) {
            return reply(400, lwaErrorBody("invalid_request", "The request is missing a required parameter : refresh_token"));
        }
        if (refreshTokens_.count(refresh) == 0) {
            return reply(400, lwaErrorBody("invalid_grant", "The request has an invalid grant parameter : refresh_token"));
        }
        return issue(refresh);
    }
    if (grant == "authorization_code") {
        const std::string code = form.get("code", "");
        if (code.empty()) return reply(400, lwaErrorBody("invalid_request", "The request is missing a required parameter : code"));
        auto it = codes_.find(code);
        const std::string redirect = form.get("redirect_uri", "");
        if (it == codes_.end() || it->second.used || Clock::now() >= it->second.expiresAt ||
            (!redirect.empty() && redirect != it->second.redirectUri)) {
            return reply(400, lwaErrorBody("invalid_grant", "The request has an invalid grant parameter : code"));
        }
        it->second.used = true;
        const std::string refresh = "Atzr|sim-" + randomHex(24);
        refreshTokens_.insert(refresh);
        return issue(refresh);
    }
    if (grant.empty()) return reply(400, lwaErrorBody("invalid_request", "The request is missing a required parameter : grant_type"));
    return reply(400, lwaErrorBody("unsupported_grant_type", "The authorization grant type is not supported by the authorization server"));
}

std::string Simulator::reportJson(const Report& r) const {
    Json report(Poco::JSON_PRESERVE_KEY_ORDER);
    report.set("reportType", options_.reportType);
    report.set("processingEndTime", iso(r.createdUtc + 60));
    report.set("processingStatus", "DONE");
    Poco::JSON::Array marketplaces;
    for (const auto& id : options_.marketplaceIds) marketplaces.add(id);
    report.set("marketplaceIds", marketplaces);
    report.set("reportDocumentId", r.documentId);
    report.set("reportId", r.reportId);
    report.set("dataEndTime", iso(r.dataEndUtc));
    report.set("createdTime", iso(r.createdUtc));
    report.set("processingStartTime", iso(r.createdUtc + 30));
    report.set("dataStartTime", iso(r.dataStartUtc));
    return stringify(report);
}

Simulator::Reply Simulator::getReports(const std::map<std::string, std::string>& q, const std::vector<std::string>& names) {
    auto bad = [](const std::string& message) {
        return Reply{400, "application/json", errorsBody("InvalidInput", message), {}};
    };
    Paging* paging = nullptr;
    std::string token;
    const auto next = q.find("nextToken");
    if (next != q.end()) {
        if (names.size() != 1) {
            return bad("nextToken must be the only parameter: specifying nextToken with any other parameters will "
                       "cause the request to fail.");
        }
        auto it = pagings_.find(next->second);
        if (it == pagings_.end()) return bad("Invalid nextToken.");
        token = it->first;
        paging = &it->second;
    } else {
        const auto types = q.find("reportTypes");
        if (types == q.end() || types->second.empty()) return bad("Either reportTypes or nextToken is required.");
        const auto typeList = splitComma(types->second);
        if (typeList.size() > 10) return bad("reportTypes takes at most 10 values.");
        std::vector<std::string> statuses;
        if (auto it = q.find("processingStatuses"); it != q.end()) {
            statuses = splitComma(it->second);
            for (const auto& s : statuses) {
                if (s != "CANCELLED" && s != "DONE" && s != "FATAL" && s != "IN_PROGRESS" && s != "IN_QUEUE") {
                    return bad("Invalid input in processing status: " + s);
                }
            }
        }
        std::vector<std::string> marketplaces;
        if (auto it = q.find("marketplaceIds"); it != q.end()) {
            marketplaces = splitComma(it->second);
            if (marketplaces.size() > 10) return bad("marketplaceIds takes at most 10 values.");
        }
        int pageSize = 10;
        if (auto it = q.find("pageSize"); it != q.end()) {
            try {
                std::size_t used = 0;
                pageSize = std::stoi(it->second, &used);
                if (used != it->second.size()) throw std::invalid_argument("pageSize");
            } catch (const std::exception&) {
                return bad("pageSize must be an integer.");
            }
            if (pageSize < 1 || pageSize > 100) return bad("pageSize must be between 1 and 100.");
        }
        const std::int64_t now = wallNow();
        std::int64_t since = now - kRetentionSeconds;
        std::int64_t until = now + 3600;
        if (auto it = q.find("createdSince"); it != q.end()) {
            const auto parsed = settlebridge::common::parseDateTime(it->second);
            if (!parsed) return bad("createdSince is not an ISO 8601 date-time: " + it->second);
            if (*parsed < now - kRetentionSeconds) {
                return bad("createdSince must be within 90 days of now: reports are retained for a maximum of 90 days.");
            }
            since = *parsed;
        }
        if (auto it = q.find("createdUntil"); it != q.end()) {
            const auto parsed = settlebridge::common::parseDateTime(it->second);
            if (!parsed) return bad("createdUntil is not an ISO 8601 date-time: " + it->second);
            until = *parsed;
        }
        Paging fresh;
        fresh.pageSize = std::min(pageSize, std::max(1, options_.pageSizeCap));
        const bool typeMatches = std::find(typeList.begin(), typeList.end(), options_.reportType) != typeList.end();
        const bool statusMatches = statuses.empty() || std::find(statuses.begin(), statuses.end(), "DONE") != statuses.end();
        bool marketplaceMatches = marketplaces.empty();
        for (const auto& m : marketplaces) {
            if (std::find(options_.marketplaceIds.begin(), options_.marketplaceIds.end(), m) != options_.marketplaceIds.end()) {
                marketplaceMatches = true;
            }
        }
        if (typeMatches && statusMatches && marketplaceMatches) {
            for (std::size_t i = 0; i < reports_.size(); ++i) {
                if (reports_[i].createdUtc >= since && reports_[i].createdUtc <= until) fresh.matches.push_back(i);
            }
        }
        std::sort(fresh.matches.begin(), fresh.matches.end(), [&](std::size_t a, std::size_t b) {
            if (reports_[a].createdUtc != reports_[b].createdUtc) return reports_[a].createdUtc > reports_[b].createdUtc;
            return a > b;  // newest first
        });
        token = "sim" + randomHex(24);
        paging = &pagings_.emplace(token, std::move(fresh)).first->second;
    }

    std::string json = "{\"reports\":[";
    const std::size_t end = std::min(paging->matches.size(), paging->offset + static_cast<std::size_t>(paging->pageSize));
    for (std::size_t i = paging->offset; i < end; ++i) {
        if (i != paging->offset) json += ",";
        json += reportJson(reports_[paging->matches[i]]);
    }
    json += "]";
    paging->offset = end;
    if (paging->offset < paging->matches.size()) {
        // A new token per page, as Amazon's are; the old one is spent.
        Paging rest = std::move(*paging);
        pagings_.erase(token);
        const std::string nextToken = "sim" + randomHex(24);
        pagings_.emplace(nextToken, std::move(rest));
        json += ",\"nextToken\":\"" + nextToken + "\"";
    } else {
        pagings_.erase(token);
    }
    json += "}";
    return Reply{200, "application/json", json, {}};
}

std::string Simulator::downloadUrl(const Report& report, bool expired) const {
    const std::string base = !options_.publicUrl.empty()
                                 ? options_.publicUrl
                                 : "http://" + options_.host + ":" + std::to_string(boundPort_);
    std::int64_t issued = wallNow();
    if (expired) issued -= options_.urlLifetime + 120;
    const std::string date = amzDate(issued);
    const std::string expires = std::to_string(options_.urlLifetime);
    Poco::HMACEngine<Poco::SHA1Engine> hmac(urlSecret_);
    hmac.update(report.documentId + "|" + date + "|" + expires);
    const std::string signature = Poco::DigestEngine::digestToHex(hmac.digest());
    return base + "/_s3/" + urlEncode(report.documentId) +
           "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + date + "&X-Amz-SignedHeaders=host&X-Amz-Expires=" +
           expires + "&X-Amz-Credential=SIMULATED%2F" + date.substr(0, 8) + "%2Fus-east-1%2Fs3%2Faws4_request" +
           "&X-Amz-Signature=" + signature;
}

Simulator::Reply Simulator::getReportDocument(const std::string& rawId) {
    std::string documentId;
    Poco::URI::decode(rawId, documentId);
    const auto it = std::find_if(reports_.begin(), reports_.end(),
                                 [&](const Report& r) { return r.documentId == documentId; });
    if (it == reports_.end()) {
        return Reply{404, "application/json", errorsBody("NotFound", "Report document not found: " + documentId), {}};
    }
    bool expired = expireAllUrls_;
    if (expireNextUrls_ > 0) {
        --expireNextUrls_;
        expired = true;
    }
    Json root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("reportDocumentId", it->documentId);
    root.set("url", downloadUrl(*it, expired));
    if (it->gzip) root.set("compressionAlgorithm", "GZIP");
    return Reply{200, "application/json", stringify(root), {}};
}

Simulator::Reply Simulator::download(const std::string& rawId, const std::map<std::string, std::string>& q) {
    std::string documentId;
    Poco::URI::decode(rawId, documentId);
    auto get = [&](const char* name) {
        const auto it = q.find(name);
        return it == q.end() ? std::string() : it->second;
    };
    const std::string date = get("X-Amz-Date");
    const std::string expires = get("X-Amz-Expires");
    Poco::HMACEngine<Poco::SHA1Engine> hmac(urlSecret_);
    hmac.update(documentId + "|" + date + "|" + expires);
    if (get("X-Amz-Signature") != Poco::DigestEngine::digestToHex(hmac.digest())) {
        return Reply{403, "application/xml",
                     s3ErrorBody("SignatureDoesNotMatch",
                                 "The request signature we calculated does not match the signature you provided."),
                     {{"Server", "AmazonS3"}}};
    }
    const auto issued = parseAmzDate(date);
    const std::int64_t lifetime = std::atoll(expires.c_str());
    const std::int64_t now = wallNow();
    if (!issued || now > *issued + lifetime) {
        const std::string expiry = issued ? iso(*issued + lifetime) : "";
        return Reply{403, "application/xml",
                     s3ErrorBody("AccessDenied", "Request has expired",
                                 "<X-Amz-Expires>" + expires + "</X-Amz-Expires><Expires>" + expiry.substr(0, 19) +
                                     "Z</Expires><ServerTime>" + iso(now).substr(0, 19) + "Z</ServerTime>"),
                     {{"Server", "AmazonS3"}}};
    }
    const auto it = std::find_if(reports_.begin(), reports_.end(),
                                 [&](const Report& r) { return r.documentId == documentId; });
    if (it == reports_.end()) {
        return Reply{404, "application/xml", s3ErrorBody("NoSuchKey", "The specified key does not exist."),
                     {{"Server", "AmazonS3"}}};
    }
    const std::string contentType = options_.charset.empty() ? "text/plain" : "text/plain; charset=" + options_.charset;
    if (cutNextDownloads_ > 0) {  // a damaged copy: the first half of the document, as a complete answer
        --cutNextDownloads_;
        return Reply{200, contentType, it->body.substr(0, it->body.size() / 2),
                     {{"Content-Encoding", "identity"}, {"Server", "AmazonS3"}}};
    }
    return Reply{200, contentType, it->body, {{"Content-Encoding", "identity"}, {"Server", "AmazonS3"}}};
}

std::string Simulator::addReportFromFile(const std::string& path, const std::string& settlementOverride, bool reissue) {
    std::string content;
    bool gzip = false;
    if (!path.empty()) {
        content = readFile(path);
        gzip = path.size() > 3 && path.substr(path.size() - 3) == ".gz";
    } else {
        // A re-issue without a new file: the same content as the settlement's latest report.
        const auto it = std::find_if(reports_.rbegin(), reports_.rend(),
                                     [&](const Report& r) { return r.settlementId == settlementOverride; });
        if (it == reports_.rend()) throw std::runtime_error("no report of settlement " + settlementOverride);
        content = it->body;
        gzip = it->gzip;
    }
    std::int64_t created = wallNow();
    for (const auto& r : reports_) created = std::max(created, r.createdUtc + 1);  // strictly the newest
    Report report = makeReport(path.empty() ? "reissue" : path, std::move(content), gzip, created);
    if (reissue && !settlementOverride.empty() && report.settlementId != settlementOverride) {
        throw std::runtime_error("the file's settlement id is " + report.settlementId + ", not " + settlementOverride);
    }
    reports_.push_back(report);
    Json out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("reportId", report.reportId);
    out.set("reportDocumentId", report.documentId);
    out.set("settlementId", report.settlementId);
    return stringify(out);
}

Simulator::Reply Simulator::control(const std::string& method, const std::string& body) {
    if (method != "POST") return Reply{405, "application/json", "{\"error\":\"GET or POST only\"}", {}};
    Poco::JSON::Object::Ptr command;
    try {
        Poco::JSON::Parser parser;
        command = parser.parse(body.empty() ? "{}" : body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception& e) {
        return Reply{400, "application/json", "{\"error\":\"not a JSON object\"}", {}};
    }
    Json result(Poco::JSON_PRESERVE_KEY_ORDER);
    try {
        if (command->has("reset_requests") && command->getValue<bool>("reset_requests")) {
            requests_.clear();
            counts_.clear();
        }
        if (command->has("fail_next")) {
            const auto list = command->getArray("fail_next");
            for (std::size_t i = 0; list && i < list->size(); ++i) {
                const auto f = list->getObject(static_cast<unsigned>(i));
                Failure failure;
                failure.operation = f->optValue<std::string>("operation", "");
                if (failure.operation.empty()) {
                    const std::string path = f->optValue<std::string>("path", "");
                    if (path.find("/documents/") != std::string::npos) failure.operation = "getReportDocument";
                    else if (path.find("/reports/2021-06-30/reports") != std::string::npos) failure.operation = "getReports";
                    else if (path.find("/auth/o2/token") != std::string::npos) failure.operation = "token";
                    else if (path.find("/_s3/") != std::string::npos) failure.operation = "download";
                    else if (path.find("/apps/authorize") != std::string::npos) failure.operation = "consent";
                }
                if (failure.operation.empty()) throw std::runtime_error("fail_next entry needs an operation or a path");
                failure.status = f->optValue<int>("status", 500);
                if (f->has("retry_after")) failure.retryAfter = f->getValue<int>("retry_after");
                failure.remaining = f->optValue<int>("count", 1);
                failure.code = f->optValue<std::string>("code", "");
                failure.message = f->optValue<std::string>("message", "");
                if (f->has("body")) failure.body = f->getValue<std::string>("body");
                failure.contentType = f->optValue<std::string>("content_type", "");
                failures_.push_back(failure);
            }
        }
        if (command->has("clear_failures") && command->getValue<bool>("clear_failures")) failures_.clear();
        if (command->has("revoke_refresh_token")) {
            const Poco::Dynamic::Var value = command->get("revoke_refresh_token");
            std::vector<std::string> revoked;
            if (value.isBoolean() ? value.extract<bool>() : false) {
                revoked.assign(refreshTokens_.begin(), refreshTokens_.end());
            } else if (value.isString()) {
                revoked.push_back(value.extract<std::string>());
            }
            for (const auto& t : revoked) {
                refreshTokens_.erase(t);
                std::erase_if(accessTokens_, [&](const auto& entry) { return entry.second.refreshToken == t; });
            }
            result.set("revoked", static_cast<int>(revoked.size()));
        }
        if (command->has("add_refresh_token")) refreshTokens_.insert(command->getValue<std::string>("add_refresh_token"));
        if (command->has("expire_access_tokens") && command->getValue<bool>("expire_access_tokens")) {
            for (auto& [token, info] : accessTokens_) info.expiresAt = Clock::now() - std::chrono::seconds(1);
        }
        if (command->has("token_lifetime")) options_.tokenLifetime = command->getValue<int>("token_lifetime");
        if (command->has("expired_token_status")) options_.expiredTokenStatus = command->getValue<int>("expired_token_status");
        if (command->has("url_lifetime")) options_.urlLifetime = command->getValue<int>("url_lifetime");
        if (command->has("expire_next_urls")) expireNextUrls_ = command->getValue<int>("expire_next_urls");
        if (command->has("cut_next_downloads")) cutNextDownloads_ = command->getValue<int>("cut_next_downloads");
        if (command->has("expire_all_urls")) expireAllUrls_ = command->getValue<bool>("expire_all_urls");
        if (command->has("page_size_cap")) options_.pageSizeCap = command->getValue<int>("page_size_cap");
        if (command->has("charset")) options_.charset = command->getValue<std::string>("charset");
        if (command->has("enforce_rate_limits")) options_.enforceRateLimits = command->getValue<bool>("enforce_rate_limits");
        if (command->has("reissue")) {
            const auto r = command->getObject("reissue");
            const std::string settlement = r->optValue<std::string>("settlement_id", "");
            if (settlement.empty()) throw std::runtime_error("reissue needs settlement_id");
            Poco::JSON::Parser parser;
            result.set("reissued", parser.parse(addReportFromFile(r->optValue<std::string>("file", ""), settlement, true)));
        }
        if (command->has("add_report")) {
            const auto r = command->getObject("add_report");
            const std::string file = r->optValue<std::string>("file", "");
            if (file.empty()) throw std::runtime_error("add_report needs file");
            Poco::JSON::Parser parser;
            result.set("added", parser.parse(addReportFromFile(file, "", false)));
        }
    } catch (const std::exception& e) {
        return Reply{400, "application/json", lwaErrorBody("bad_control", e.what()), {}};
    }
    result.set("ok", true);
    return Reply{200, "application/json", stringify(result), {}};
}

Simulator::Reply Simulator::controlState() {
    Json root(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array reports;
    for (const auto& r : reports_) {
        Json o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("reportId", r.reportId);
        o.set("reportDocumentId", r.documentId);
        o.set("settlementId", r.settlementId);
        o.set("createdTime", iso(r.createdUtc));
        o.set("gzip", r.gzip);
        o.set("source", r.source);
        reports.add(o);
    }
    root.set("reports", reports);
    Json counts;
    for (const auto& [op, n] : counts_) counts.set(op, n);
    root.set("counts", counts);
    Poco::JSON::Array requests;
    for (const auto& rec : requests_) {
        Json o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("seq", static_cast<Poco::UInt64>(rec.seq));
        o.set("operation", rec.operation);
        o.set("method", rec.method);
        o.set("path", rec.path);
        o.set("query", rec.query);
        o.set("status", rec.status);
        Json h;
        for (const auto& [name, value] : rec.headers) h.set(name, value);
        o.set("headers", h);
        requests.add(o);
    }
    root.set("requests", requests);
    Poco::JSON::Array tokens;
    for (const auto& t : refreshTokens_) tokens.add(t);
    root.set("refresh_tokens", tokens);
    root.set("port", static_cast<int>(boundPort_));
    return Reply{200, "application/json", stringify(root), {}};
}

}  // namespace amazon_sim
