#include "daemon/ads/amazon_ads_client.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "daemon/ads/errors.hpp"
#include "daemon/amazon/document.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/net/send.hpp"

namespace settlebridge::ads {

using common::Json;
using common::JsonError;
using common::jsonQuote;

namespace {

constexpr const char* kCreateReportType = "application/vnd.createasyncreportrequest.v3+json";
constexpr const char* kSbAdsType = "application/vnd.sbadresource.v4+json";

/// The report id a 425 answer names: "... duplicate of : <id>" (any case; blanks and the colon optional), else "".
/// Written out rather than with <regex>, which made this the slowest file of the build to compile.
std::string duplicateOf(std::string_view detail) {
    constexpr std::string_view kMarker = "duplicate of";
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    const auto idChar = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    };
    for (std::size_t at = 0; at + kMarker.size() <= detail.size(); ++at) {
        std::size_t k = 0;
        while (k < kMarker.size() && lower(detail[at + k]) == kMarker[k]) ++k;
        if (k < kMarker.size()) continue;
        std::size_t i = at + kMarker.size();
        while (i < detail.size() && blank(detail[i])) ++i;
        if (i < detail.size() && detail[i] == ':') ++i;
        while (i < detail.size() && blank(detail[i])) ++i;
        std::size_t end = i;
        while (end < detail.size() && idChar(detail[end])) ++end;
        if (end > i) return std::string(detail.substr(i, end - i));
    }
    return "";
}

std::string trimSlash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

std::string jsonArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ",";
        out += jsonQuote(items[i]);
    }
    return out + "]";
}

/// The {code, detail} (or {code, message}) of an Ads API error body; empty strings when unreadable.
std::pair<std::string, std::string> errorOf(const std::string& body) {
    try {
        const Json j = Json::parse(body);
        std::string detail = j.get("detail");
        if (detail.empty()) detail = j.get("details");
        if (detail.empty()) detail = j.get("message");
        return {j.get("code"), detail};
    } catch (const JsonError&) {
        return {"", body.substr(0, 300)};
    }
}

AdsError errorFor(const std::string& operation, int status, const std::string& body, int attempts) {
    const auto [code, detail] = errorOf(body);
    std::string tail = " (HTTP " + std::to_string(status) + (code.empty() ? "" : " " + code) +
                       (detail.empty() ? "" : ": " + detail) + ")";
    if (status == 401 || status == 403) {
        return AdsError(AdsError::Kind::AccessDenied, status, code, detail,
                        "Amazon Ads refused " + operation +
                            ": this login has no access to the profile in this region, or lacks the reporting "
                            "permission" + tail);
    }
    if (status == 429) {
        return AdsError(AdsError::Kind::Throttled, status, code, detail,
                        "Amazon Ads is throttling " + operation + " after " + std::to_string(attempts) +
                            " tries; the next sync tries again" + tail);
    }
    if (status >= 500) {
        return AdsError(AdsError::Kind::Server, status, code, detail,
                        "Amazon Ads had a server error on " + operation + " after " + std::to_string(attempts) +
                            " tries" + tail);
    }
    return AdsError(AdsError::Kind::BadRequest, status, code, detail, "Amazon Ads refused " + operation + tail);
}

}  // namespace

std::string adsApiEndpoint(amazon::Region region) {
    switch (region) {
        case amazon::Region::NA: return "https://advertising-api.amazon.com";
        case amazon::Region::EU: return "https://advertising-api-eu.amazon.com";
        case amazon::Region::FE: return "https://advertising-api-fe.amazon.com";
    }
    return "https://advertising-api.amazon.com";
}

std::string adsTokenUrl(amazon::Region region) {
    switch (region) {
        case amazon::Region::NA: return "https://api.amazon.com/auth/o2/token";
        case amazon::Region::EU: return "https://api.amazon.co.uk/auth/o2/token";
        case amazon::Region::FE: return "https://api.amazon.co.jp/auth/o2/token";
    }
    return "https://api.amazon.com/auth/o2/token";
}

std::string adsAuthorizeUrl(amazon::Region region) {
    switch (region) {
        case amazon::Region::NA: return "https://www.amazon.com/ap/oa";
        case amazon::Region::EU: return "https://eu.account.amazon.com/ap/oa";
        case amazon::Region::FE: return "https://apac.account.amazon.com/ap/oa";
    }
    return "https://www.amazon.com/ap/oa";
}

std::string ReportRequest::toJson() const {
    return "{\"name\":" + jsonQuote(name) + ",\"startDate\":" + jsonQuote(startDate) + ",\"endDate\":" +
           jsonQuote(endDate) + ",\"configuration\":{\"adProduct\":" + jsonQuote(adProduct) +
           ",\"groupBy\":" + jsonArray(groupBy) + ",\"columns\":" + jsonArray(columns) +
           ",\"reportTypeId\":" + jsonQuote(reportTypeId) + ",\"timeUnit\":" + jsonQuote(timeUnit) +
           ",\"format\":" + jsonQuote(format) + "}}";
}

AdsApiClient::AdsApiClient(AdsApiConfig config, amazon::AccessTokenProvider& tokens, net::Clock& clock)
    : config_(std::move(config)),
      tokens_(tokens),
      clock_(clock),
      http_(config_.http),
      backoff_(config_.retry, config_.jitter),
      endpoint_(trimSlash(config_.endpoint)) {
    if (config_.userAgent.empty()) config_.userAgent = amazon::defaultUserAgent();
    if (endpoint_.empty()) throw AdsError(AdsError::Kind::Config, "no Amazon Ads endpoint configured");
    if (config_.clientId.empty()) throw AdsError(AdsError::Kind::Config, "no Amazon Ads client id configured");
}

net::HttpResponse AdsApiClient::call(const std::string& operation, const std::string& method,
                                        const std::string& path, std::string_view profileId, const std::string& body,
                                        const std::string& contentType, const std::string& accept) {
    bool refreshedToken = false;
    std::string token;
    net::SendHooks hooks;
    hooks.build = [&] {
        token = tokens_.accessToken();
        net::HttpRequest request;
        request.method = method;
        request.url = endpoint_ + path;
        request.headers = {{"Authorization", "Bearer " + token},
                           {"Amazon-Advertising-API-ClientId", config_.clientId},
                           {"User-Agent", config_.userAgent},
                           {"Accept", accept}};
        if (!profileId.empty()) request.headers.emplace_back("Amazon-Advertising-API-Scope", std::string(profileId));
        if (method == "POST") {
            request.body = body;
            request.contentType = contentType;
        } else if (!contentType.empty()) {
            // Amazon's own Postman collection sends the report content type on the status GET too.
            request.headers.emplace_back("Content-Type", contentType);
        }
        return request;
    };
    hooks.inspect = [&](const net::HttpResponse& response) {
        if (response.status >= 200 && response.status < 300) return net::Verdict::Final;
        if (response.status == 425) return net::Verdict::Final;  // the caller reads the duplicate's id
        if (response.status == 401 && !refreshedToken) {
            tokens_.invalidate(token);
            refreshedToken = true;
            return net::Verdict::SendAgain;
        }
        return net::Verdict::Retryable;
    };
    net::SendRules rules;
    rules.stopBeforeEachTry = true;
    net::SendOutcome outcome = net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks, rules);
    const int status = outcome.response.status;
    if ((status >= 200 && status < 300) || status == 425) return std::move(outcome.response);
    throw errorFor(operation, status, outcome.response.body, outcome.attempts);
}

std::vector<store::ImportedProfile> AdsApiClient::listProfiles() {
    const auto response = call("listing profiles", "GET", "/v2/profiles", {}, "", "", "application/json");
    std::vector<store::ImportedProfile> out;
    try {
        const Json list = Json::parse(response.body);
        if (!list.isArray()) throw JsonError("not an array");
        for (const Json& p : list.items()) {
            store::ImportedProfile info;
            info.profileId = p.get("profileId");
            if (info.profileId.empty()) throw JsonError("a profile without profileId");
            info.countryCode = p.get("countryCode");
            info.currencyCode = p.get("currencyCode");
            info.timeZone = p.get("timezone");
            if (const Json* account = p.find("accountInfo")) {
                info.accountName = account->get("name");
                info.accountType = account->get("type");
                info.marketplaceId = account->get("marketplaceStringId");
                info.accountEntityId = account->get("id");
            }
            out.push_back(std::move(info));
        }
    } catch (const JsonError& e) {
        throw AdsError(AdsError::Kind::Protocol, response.status, "", e.what(),
                       std::string("Amazon Ads answered the profile list with something unreadable: ") + e.what());
    }
    return out;
}

CreatedReport AdsApiClient::createReport(std::string_view profileId, const ReportRequest& request) {
    const auto response = call("creating a " + request.reportTypeId + " report", "POST", "/reporting/reports", profileId,
                               request.toJson(), kCreateReportType, "application/vnd.createasyncreportresponse.v3+json");
    if (response.status == 425) {
        // "The Request is a duplicate of : <reportId>": use that report.
        const auto [code, detail] = errorOf(response.body);
        if (const std::string original = duplicateOf(detail); !original.empty()) {
            ++duplicates_;
            return CreatedReport{original, true};
        }
        throw AdsError(AdsError::Kind::Protocol, 425, code, detail,
                       "Amazon Ads called the " + request.reportTypeId +
                           " report a duplicate without naming the original (" + detail + ")");
    }
    try {
        const Json j = Json::parse(response.body);
        const std::string id = j.get("reportId");
        if (id.empty()) throw JsonError("no reportId");
        return CreatedReport{id, false};
    } catch (const JsonError& e) {
        throw AdsError(AdsError::Kind::Protocol, response.status, "", e.what(),
                       std::string("Amazon Ads answered a report request with something unreadable: ") + e.what());
    }
}

ReportStatus AdsApiClient::getReport(std::string_view profileId, std::string_view reportId) {
    const auto response = call("checking report " + std::string(reportId), "GET",
                               "/reporting/reports/" + net::percentEncode(reportId), profileId, "",
                               kCreateReportType, "application/vnd.getasyncreportresponse.v3+json");
    try {
        const Json j = Json::parse(response.body);
        ReportStatus s;
        s.reportId = j.get("reportId", reportId);
        s.status = j.get("status");
        s.url = j.get("url");
        s.failureReason = j.get("failureReason");
        s.startDate = j.get("startDate");
        s.endDate = j.get("endDate");
        if (s.status.empty()) throw JsonError("no status");
        return s;
    } catch (const JsonError& e) {
        throw AdsError(AdsError::Kind::Protocol, response.status, "", e.what(),
                       std::string("Amazon Ads answered a report status with something unreadable: ") + e.what());
    }
}

ReportStatus AdsApiClient::waitForReport(std::string_view profileId, std::string_view reportId) {
    const auto started = clock_.now();
    auto wait = config_.pollInitial;
    for (;;) {
        ReportStatus s = getReport(profileId, reportId);
        if (s.status == "COMPLETED") {
            if (s.url.empty()) {
                throw AdsError(AdsError::Kind::Protocol, 200, "", "",
                               "Amazon Ads says report " + std::string(reportId) + " is complete but gives no link");
            }
            return s;
        }
        if (s.status == "FAILED") {
            throw AdsError(AdsError::Kind::ReportFailed, 200, "FAILED", s.failureReason,
                           "Amazon Ads could not make report " + std::string(reportId) +
                               (s.failureReason.empty() ? "" : ": " + s.failureReason) + "; the next sync asks again");
        }
        if (clock_.now() - started + wait > config_.reportTimeout) {
            throw AdsError(AdsError::Kind::Timeout, 200, s.status, "",
                           "Amazon Ads report " + std::string(reportId) + " is still " + s.status + " after " +
                               std::to_string(std::chrono::duration_cast<std::chrono::minutes>(config_.reportTimeout).count()) +
                               " minutes; the next sync picks it up");
        }
        if (!clock_.sleepFor(wait, config_.stop)) throw amazon::CancelledError();
        wait = std::min(config_.pollMax, wait * 2);
    }
}

std::string AdsApiClient::download(const std::string& url) {
    net::SendHooks hooks;
    hooks.build = [&] {
        net::HttpRequest request;  // a presigned link: no Amazon headers at all
        request.url = url;
        return request;
    };
    hooks.inspect = [](const net::HttpResponse& response) {
        return response.status == 200 ? net::Verdict::Final : net::Verdict::Retryable;
    };
    net::SendRules rules;
    rules.retryAnyNetworkFailure = true;
    rules.honourAskedWait = false;
    const net::HttpResponse response = net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks, rules).response;
    if (response.status == 200) {
        try {
            return amazon::looksGzipped(response.body) ? amazon::gunzip(response.body) : response.body;
        } catch (const amazon::DownloadError& e) {
            throw AdsError(AdsError::Kind::Download, 200, "", e.what(),
                           std::string("the Amazon Ads report file is damaged: ") + e.what());
        }
    }
    const auto s3 = amazon::parseS3Error(response.body);
    throw AdsError(AdsError::Kind::Download, response.status, s3 ? s3->code : "", s3 ? s3->message : "",
                   "the Amazon Ads report file could not be downloaded (HTTP " + std::to_string(response.status) +
                       (s3 ? " " + s3->code + ": " + s3->message : "") + ")");
}

Json AdsApiClient::runReport(std::string_view profileId, const ReportRequest& request) {
    const CreatedReport created = createReport(profileId, request);
    const ReportStatus done = waitForReport(profileId, created.reportId);
    const std::string bytes = download(done.url);
    try {
        Json rows = Json::parse(bytes);
        if (!rows.isArray()) throw JsonError("the report is not a JSON array");
        return rows;
    } catch (const JsonError& e) {
        throw AdsError(AdsError::Kind::Download, 200, "", e.what(),
                       "the Amazon Ads " + request.reportTypeId + " report file is not readable JSON: " + e.what());
    }
}

std::vector<SbAd> AdsApiClient::listSbAds(std::string_view profileId, const std::vector<std::string>& campaignIds) {
    std::vector<SbAd> out;
    std::string nextToken;
    for (int page = 0; page < 1000; ++page) {
        std::string body = "{\"maxResults\":100";
        if (!campaignIds.empty()) body += ",\"campaignIdFilter\":{\"include\":" + jsonArray(campaignIds) + "}";
        if (!nextToken.empty()) body += ",\"nextToken\":" + jsonQuote(nextToken);
        body += "}";
        const auto response = call("listing Sponsored Brands ads", "POST", "/sb/v4/ads/list", profileId, body, kSbAdsType,
                                   kSbAdsType);
        try {
            const Json j = Json::parse(response.body);
            const Json* ads = j.find("ads");
            if (ads == nullptr || !ads->isArray()) throw JsonError("no ads list");
            for (const Json& ad : ads->items()) {
                SbAd a;
                a.adId = ad.get("adId");
                a.campaignId = ad.get("campaignId");
                if (const Json* creative = ad.find("creative")) {
                    if (const Json* asins = creative->find("asins"); asins != nullptr && asins->isArray()) {
                        for (const Json& asin : asins->items()) {
                            if (asin.isString() && !asin.text().empty()) a.asins.push_back(asin.text());
                        }
                    }
                }
                out.push_back(std::move(a));
            }
            nextToken = j.get("nextToken");
        } catch (const JsonError& e) {
            throw AdsError(AdsError::Kind::Protocol, response.status, "", e.what(),
                           std::string("Amazon Ads answered the Sponsored Brands ads list with something unreadable: ") +
                               e.what());
        }
        if (nextToken.empty()) return out;
    }
    throw AdsError(AdsError::Kind::Protocol, "the Sponsored Brands ads list did not end after 1000 pages");
}

}  // namespace settlebridge::ads
