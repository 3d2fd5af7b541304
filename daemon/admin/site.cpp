#include "daemon/admin/site.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include <Poco/Net/IPAddress.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/URI.h>

#include "daemon/admin/ads_api.hpp"
#include "daemon/admin/assets.hpp"
#include "daemon/admin/connect_ads_api.hpp"
#include "daemon/admin/connect_api.hpp"
#include "daemon/admin/auth.hpp"
#include "daemon/admin/home_api.hpp"
#include "daemon/admin/preview.hpp"
#include "daemon/admin/queue_api.hpp"
#include "daemon/admin/sellercloud_api.hpp"
#include "daemon/admin/settings_api.hpp"
#include "daemon/admin/unmapped_api.hpp"
#include "daemon/admin/wc_api.hpp"
#include "daemon/store/crypto.hpp"

namespace settlebridge::admin {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxBody = 1024 * 1024;

Poco::Logger& log() { return Poco::Logger::get("settlebridge.admin"); }

using Handler = ApiReply (*)(SiteContext&, const ApiRequest&);

struct Route {
    const char* method;
    std::array<const char*, 4> pattern;  // literal segments, "#" = an id; nullptr ends it
    Handler handler;
};

const Route kRoutes[] = {
    {"GET", {"home"}, homeGet},
    {"POST", {"companies", "#", "sync"}, companySyncPost},
    {"GET", {"companies", "#", "queue"}, queueGet},
    {"POST", {"companies", "#", "approve"}, approvePost},
    {"POST", {"companies", "#", "mode"}, modePost},
    {"POST", {"documents", "#", "retry"}, retryPost},
    {"GET", {"companies", "#", "preview"}, previewGet},
    {"GET", {"companies", "#", "settings"}, settingsGet},
    {"PUT", {"companies", "#", "settings"}, settingsPut},
    {"GET", {"companies", "#", "unmapped"}, unmappedGet},
    {"POST", {"companies", "#", "unmapped", "map"}, unmappedMapPost},
    {"GET", {"companies", "#", "tax-report"}, taxReportGet},
    {"GET", {"companies", "#", "qwc"}, qwcGet},
    {"GET", {"companies", "#", "sessions"}, sessionsGet},
    {"GET", {"events"}, eventsGet},
    {"POST", {"amazon", "#", "sync"}, amazonSyncPost},
    {"PUT", {"amazon", "#"}, amazonRenamePut},
    {"POST", {"amazon", "#", "test"}, amazonTestPost},
    {"POST", {"connect", "amazon"}, connectAmazonPost},
    {"GET", {"connect", "ads-app"}, adsAppGet},
    {"PUT", {"connect", "ads-app"}, adsAppPut},
    {"POST", {"connect", "amazon-ads"}, connectAmazonAdsPost},
    {"POST", {"connect", "amazon-ads", "token"}, connectAdsTokenPost},
    {"POST", {"connect", "walmart"}, connectWalmartPost},
    {"GET", {"companies", "#", "sellercloud"}, sellercloudGet},
    {"PUT", {"companies", "#", "sellercloud"}, sellercloudPut},
    {"POST", {"sellercloud", "#", "test"}, sellercloudTestPost},
    {"POST", {"sellercloud", "#", "sync"}, sellercloudSyncPost},
    {"GET", {"sellercloud", "#", "companies"}, sellercloudCompaniesGet},
    {"PUT", {"sellercloud", "#", "mappings", "#"}, sellercloudMappingPut},
    {"DELETE", {"sellercloud", "#", "mappings", "#"}, sellercloudMappingDelete},
    {"PUT", {"sellercloud", "#", "settings"}, sellercloudSettingsPut},
    {"GET", {"sellercloud", "#", "links"}, sellercloudLinksGet},
    {"PUT", {"sellercloud", "#", "links"}, sellercloudLinkPut},
    {"DELETE", {"sellercloud", "#", "links"}, sellercloudLinkDelete},
    {"POST", {"sellercloud", "#", "send"}, sellercloudSendPost},
    {"GET", {"sellercloud", "#", "sends"}, sellercloudSendsGet},
    {"GET", {"sellercloud", "sends", "#"}, sellercloudSendGet},
    {"POST", {"ads", "accounts", "#", "sync"}, adsAccountSyncPost},
    {"PUT", {"ads", "accounts", "#"}, adsAccountRenamePut},
    {"GET", {"ads", "profiles"}, adsProfilesGet},
    {"PUT", {"ads", "profiles", "#"}, adsProfilePut},
    {"POST", {"ads", "profiles", "#", "sync"}, adsProfileSyncPost},
    {"GET", {"ads", "profiles", "#", "spend"}, adsSpendGet},
};

bool matches(const Route& route, const std::vector<std::string>& segments) {
    std::size_t n = 0;
    while (n < route.pattern.size() && route.pattern[n] != nullptr) ++n;
    if (n != segments.size()) return false;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view p = route.pattern[i];
        if (p == "#") {
            if (segments[i].empty() || !std::all_of(segments[i].begin(), segments[i].end(),
                                                    [](char c) { return c >= '0' && c <= '9'; })) {
                return false;
            }
        } else if (p != segments[i]) {
            return false;
        }
    }
    return true;
}

void securityHeaders(HTTPServerResponse& response) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

void sendJson(HTTPServerResponse& response, int status, const JsonObject& json) {
    const std::string body = stringify(json);
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json; charset=utf-8");
    response.set("Cache-Control", "no-store");
    securityHeaders(response);
    response.sendBuffer(body.data(), body.size());
}

JsonObject errorJson(const ApiError& e) {
    JsonObject o = object();
    o->set("error", std::string(e.what()));
    o->set("field", e.field());
    JsonArray list = array();
    for (const auto& fe : e.errors()) {
        JsonObject item = object();
        item->set("field", fe.field);
        item->set("message", fe.message);
        list->add(item);
    }
    o->set("errors", list);
    return o;
}

std::string readBody(HTTPServerRequest& request) {
    std::string body;
    std::istream& in = request.stream();
    char buffer[8192];
    while (in) {
        in.read(buffer, sizeof buffer);
        body.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (body.size() > kMaxBody) throw ApiError(413, "the request is too large");
    }
    return body;
}

/// A client on this machine: 127.0.0.0/8 or ::1 (also as an IPv4-mapped IPv6 address).
bool isLoopbackClient(const std::string& address) {
    Poco::Net::IPAddress ip;
    if (!Poco::Net::IPAddress::tryParse(address, ip)) return false;
    return ip.isLoopback() || (ip.isIPv4Mapped() && address.rfind("::ffff:127.", 0) == 0);
}

/// "host:port" of an Origin header value ("https://host:port"), with the default port left out as browsers do.
std::string originAuthority(const std::string& origin) {
    const std::size_t scheme = origin.find("://");
    return scheme == std::string::npos ? origin : origin.substr(scheme + 3);
}

}  // namespace

AdminSite::AdminSite(store::Store& store, AdminOptions options)
    : ctx_(std::make_unique<SiteContext>(store, std::move(options))), auth_(std::make_unique<Auth>(*ctx_)) {}

AdminSite::~AdminSite() = default;

void AdminSite::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    try {
        const Poco::URI uri(request.getURI());
        const std::string path = uri.getPath();
        if (path == "/api" || path.rfind("/api/", 0) == 0) {
            serveApi(request, response);
            return;
        }
        serveAsset(request, response, path);
    } catch (const std::exception& e) {
        log().error("%s %s failed: %s", request.getMethod(), request.getURI(), std::string(e.what()));
        if (!response.sent()) {
            JsonObject o = object();
            o->set("error", "internal error");
            response.setKeepAlive(false);
            sendJson(response, 500, o);
        }
    }
}

void AdminSite::serveAsset(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& path) {
    const std::string& method = request.getMethod();
    if (method != "GET" && method != "HEAD") {
        response.setStatusAndReason(HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
        response.set("Allow", "GET, HEAD");
        response.setContentLength(0);
        response.send();
        return;
    }
    std::string name;
    if (path == "/" || path == "/index.html") {
        name = "index.html";
    } else if (path.rfind("/assets/", 0) == 0) {
        name = path.substr(8);
    }
    const Asset* asset = name.empty() ? nullptr : findAsset(name);
    if (asset == nullptr) {
        static constexpr std::string_view kNotFound = "Not found\n";
        response.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
        response.setContentType("text/plain; charset=utf-8");
        securityHeaders(response);
        response.sendBuffer(kNotFound.data(), kNotFound.size());
        return;
    }
    const std::string etag = "\"" + store::sha256Hex(asset->body).substr(0, 32) + "\"";
    securityHeaders(response);
    response.set("ETag", etag);
    response.set("Cache-Control", "no-cache");
    if (request.get("If-None-Match", "") == etag) {
        response.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
        response.setContentLength(0);
        response.send();
        return;
    }
    response.setContentType(std::string(asset->contentType));
    if (method == "HEAD") {
        response.setContentLength(static_cast<std::streamsize>(asset->body.size()));
        response.send();
        return;
    }
    response.sendBuffer(asset->body.data(), asset->body.size());
}

void AdminSite::serveApi(HTTPServerRequest& request, HTTPServerResponse& response) {
    ApiRequest api;
    ApiReply reply;
    try {
        const Poco::URI uri(request.getURI());
        api.method = request.getMethod();
        api.path = uri.getPath();
        std::string rest = api.path.size() > 5 ? api.path.substr(5) : std::string();
        while (!rest.empty() && rest.back() == '/') rest.pop_back();
        std::size_t start = 0;
        while (start < rest.size()) {
            const std::size_t slash = rest.find('/', start);
            api.segments.push_back(rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        for (const auto& [key, value] : uri.getQueryParameters()) api.query[key] = value;
        api.host = request.getHost();
        api.clientAddress = request.clientAddress().host().toString();
        api.secure = request.secure();

        const bool change = api.method != "GET" && api.method != "HEAD";
        // A browser names the page that sent a request; another site's page is refused outright.
        if (request.has("Origin") && originAuthority(request.get("Origin")) != api.host) {
            throw ApiError(403, "a request from another site was refused");
        }
        if (change) {
            const std::string body = readBody(request);
            const std::string type = request.getContentType();
            if (type.rfind("application/json", 0) != 0) {
                throw ApiError(415, "changes must be sent as JSON (Content-Type: application/json)");
            }
            try {
                Poco::JSON::Parser parser;
                const Poco::Dynamic::Var parsed = parser.parse(body.empty() ? std::string("{}") : body);
                api.body = parsed.extract<Poco::JSON::Object::Ptr>();
            } catch (const Poco::Exception&) {
                throw ApiError(400, "the request body is not a JSON object");
            } catch (const std::exception&) {
                throw ApiError(400, "the request body is not a JSON object");
            }
            if (!api.body) throw ApiError(400, "the request body is not a JSON object");
        }
        Poco::Net::NameValueCollection cookies;
        request.getCookies(cookies);
        const std::string token = cookies.get(std::string(kSessionCookie), "");
        if (!token.empty()) api.session = auth_->session(token);
        reply = dispatch(api, request.get(std::string(kCsrfHeader), ""));
    } catch (const ApiError& e) {
        if (e.retryAfter() > 0) response.set("Retry-After", std::to_string(e.retryAfter()));
        if (e.status() == 401 && !api.session) response.set("WWW-Authenticate", "Cookie");
        response.setKeepAlive(response.getKeepAlive() && e.status() != 413);
        sendJson(response, e.status(), errorJson(e));
        return;
    } catch (const std::exception& e) {
        log().error("%s %s failed: %s", api.method, api.path, std::string(e.what()));
        JsonObject o = object();
        o->set("error", std::string("internal error: ") + e.what());
        sendJson(response, 500, o);
        return;
    }
    for (const auto& cookie : reply.setCookies) response.add("Set-Cookie", cookie);
    if (!reply.raw.empty() || !reply.contentType.empty()) {
        response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(reply.status));
        response.setContentType(reply.contentType);
        response.set("Cache-Control", "no-store");
        securityHeaders(response);
        if (!reply.downloadName.empty()) {
            response.set("Content-Disposition", "attachment; filename=\"" + reply.downloadName + "\"");
        }
        response.sendBuffer(reply.raw.data(), reply.raw.size());
        return;
    }
    sendJson(response, reply.status, reply.json ? reply.json : object());
}

ApiReply AdminSite::dispatch(ApiRequest& api, const std::string& csrfHeader) {
    const bool change = api.method != "GET" && api.method != "HEAD";
    const auto sessionJson = [&](const store::AdminSession& s) {
        JsonObject o = object();
        o->set("setup_needed", false);
        o->set("logged_in", true);
        o->set("user", s.userName);
        o->set("csrf_token", s.csrfToken);
        return o;
    };
    // The routes that work without a session.
    if (api.segments.size() == 1) {
        const std::string& what = api.segments[0];
        if (what == "session" && api.method == "GET") {
            if (api.session) return ApiReply::ok(sessionJson(*api.session));
            JsonObject o = object();
            o->set("setup_needed", auth_->setupNeeded());
            o->set("logged_in", false);
            return ApiReply::ok(o);
        }
        if ((what == "login" || what == "setup") && api.method == "POST") {
            if (what == "setup" && !isLoopbackClient(api.clientAddress)) {
                // The first admin is made by someone at the machine, never by the first visitor from afar.
                throw ApiError(403, "the first admin user is created on the server itself: open this page there "
                                    "(http://localhost:PORT/), or run `settlebridge admin add NAME`");
            }
            const std::string user = api.text("user");
            const std::string password = api.text("password");
            const LoginResult result = what == "login" ? auth_->login(user, password, api.clientAddress)
                                                       : auth_->setup(user, password, api.clientAddress);
            if (api.session) auth_->logout(*api.session);  // a new login replaces the old session
            ApiReply reply = ApiReply::ok(sessionJson(result.session));
            reply.setCookies.push_back(auth_->cookie(result.token));
            return reply;
        }
    }
    if (!api.session) throw ApiError(401, "log in first");
    if (change && !Auth::csrfMatches(*api.session, csrfHeader)) {
        throw ApiError(403, "the page's security token is missing or out of date: reload the page");
    }
    if (api.segments.size() == 1 && api.segments[0] == "logout" && api.method == "POST") {
        auth_->logout(*api.session);
        JsonObject o = object();
        o->set("logged_in", false);
        ApiReply reply = ApiReply::ok(o);
        reply.setCookies.push_back(auth_->clearingCookie());
        return reply;
    }
    bool pathKnown = false;
    for (const Route& route : kRoutes) {
        if (!matches(route, api.segments)) continue;
        pathKnown = true;
        if (api.method == route.method || (api.method == "HEAD" && std::string_view(route.method) == "GET")) {
            return route.handler(*ctx_, api);
        }
    }
    if (pathKnown) throw ApiError(405, "this address does not take " + api.method);
    throw ApiError(404, "no such API: " + api.path);
}

}  // namespace settlebridge::admin
