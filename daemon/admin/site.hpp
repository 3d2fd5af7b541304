#pragma once
// The admin web page and its JSON API, as one Poco request handler that app mounts on the daemon's HTTP server:
//
//   admin::AdminSite site(service.store(), {.dataDir = service.dataDir(), .secureCookies = server.secure()});
//   server.route("/", [&site](auto& request, auto& response) { site.handle(request, response); });
//
// GET / serves the page, GET /assets/<file> its CSS and JavaScript (embedded in the binary), /api/... the JSON API
// (docs/ADMIN.md). Every /api/ route but the login ones needs a session cookie (401 without one); every change
// (POST, PUT, DELETE) also needs the session's CSRF token in the X-CSRF-Token header (403 without it) and a JSON
// body; a request whose Origin is another site is refused (403). handle() never throws.

#include <memory>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "daemon/admin/api.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::admin {

class Auth;

class AdminSite {
public:
    AdminSite(store::Store& store, AdminOptions options);
    ~AdminSite();
    AdminSite(const AdminSite&) = delete;
    AdminSite& operator=(const AdminSite&) = delete;

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    void serveApi(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void serveAsset(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    const std::string& path);
    ApiReply dispatch(ApiRequest& api, const std::string& csrfHeader);

    std::unique_ptr<SiteContext> ctx_;
    std::unique_ptr<Auth> auth_;
};

}  // namespace settlebridge::admin
