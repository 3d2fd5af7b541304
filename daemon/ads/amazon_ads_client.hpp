#pragma once
// The Amazon Ads API, as far as ad spend needs it (../shared/spec/amazon-ads/):
//
//   GET  {host}/v2/profiles                                   → [{profileId, countryCode, currencyCode, timezone, accountInfo}]
//   POST {host}/reporting/reports                             Content-Type application/vnd.createasyncreportrequest.v3+json
//        {name, startDate, endDate, configuration{adProduct, groupBy, columns, reportTypeId, timeUnit, format}}
//        → 200 {reportId, status: PENDING, ...}
//        → 425 {code, detail: "The Request is a duplicate of : <reportId>"}   (that report is used instead)
//   GET  {host}/reporting/reports/{reportId}                  → {status: PENDING|PROCESSING|COMPLETED|FAILED, url, failureReason}
//   GET  {url}                                                presigned S3 link, NO Amazon headers; gzip JSON array of rows
//   POST {host}/sb/v4/ads/list                                Sponsored Brands ads and the ASINs each promotes
//
// Every API call carries Authorization: Bearer <LWA access token>, Amazon-Advertising-API-ClientId and (except
// /v2/profiles) Amazon-Advertising-API-Scope: <profileId>. 429 and 5xx are retried with backoff (never sooner
// than Retry-After); 401 gets one fresh access token. Status polls back off from pollInitial to pollMax.

#include <chrono>
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/region.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/common/json.hpp"
#include "daemon/store/ads_accounts.hpp"

namespace settlebridge::ads {

/// https://advertising-api.amazon.com (NA), -eu (EU), -fe (FE).
std::string adsApiEndpoint(amazon::Region region);
/// The Login with Amazon token endpoint of a region (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).
std::string adsTokenUrl(amazon::Region region);
/// Where a user of that region grants access (NA www.amazon.com, EU eu.account.amazon.com, FE apac.account.amazon.com),
/// path /ap/oa.
std::string adsAuthorizeUrl(amazon::Region region);

struct AdsApiConfig {
    std::string endpoint;   // region host or a simulator ("http://127.0.0.1:PORT"); no trailing slash needed
    std::string clientId;   // the LWA client id (Amazon-Advertising-API-ClientId)
    std::string userAgent;  // "" = amazon::defaultUserAgent()
    net::HttpOptions http;
    net::RetryPolicy retry;
    std::chrono::milliseconds pollInitial{5'000};
    std::chrono::milliseconds pollMax{60'000};
    /// Give up waiting for one report after this long (a later sync asks again and gets the same report via 425).
    std::chrono::milliseconds reportTimeout{std::chrono::minutes{30}};
    std::stop_token stop;
    std::function<double()> jitter;  // [0,1) for the backoff; empty = random
};

/// POST /reporting/reports body.
struct ReportRequest {
    std::string name;
    std::string startDate;  // YYYY-MM-DD
    std::string endDate;
    std::string adProduct;  // SPONSORED_PRODUCTS | SPONSORED_DISPLAY | SPONSORED_BRANDS
    std::vector<std::string> groupBy;
    std::vector<std::string> columns;
    std::string reportTypeId;
    std::string timeUnit = "DAILY";
    std::string format = "GZIP_JSON";

    std::string toJson() const;
};

struct ReportStatus {
    std::string reportId;
    std::string status;  // PENDING | PROCESSING | COMPLETED | FAILED
    std::string url;
    std::string failureReason;
    std::string startDate;
    std::string endDate;
};

struct CreatedReport {
    std::string reportId;
    bool duplicate = false;  // 425: an identical report already existed and is used
};

/// A Sponsored Brands ad and the ASINs it promotes.
struct SbAd {
    std::string adId;
    std::string campaignId;
    std::vector<std::string> asins;
};

class AdsApiClient {
public:
    AdsApiClient(AdsApiConfig config, amazon::AccessTokenProvider& tokens,
                 net::Clock& clock = net::SystemClock::instance());

    std::vector<store::ImportedProfile> listProfiles();

    CreatedReport createReport(std::string_view profileId, const ReportRequest& request);
    ReportStatus getReport(std::string_view profileId, std::string_view reportId);
    /// Polls until COMPLETED (returned) or FAILED (AdsError ReportFailed) or reportTimeout (AdsError Timeout).
    ReportStatus waitForReport(std::string_view profileId, std::string_view reportId);
    /// GETs the presigned URL without Amazon headers; returns the decompressed bytes.
    std::string download(const std::string& url);
    /// create + wait + download + parse: the report's rows (a JSON array of flat objects).
    common::Json runReport(std::string_view profileId, const ReportRequest& request);

    /// Every Sponsored Brands ad of the given campaigns (all campaigns when empty), following nextToken.
    std::vector<SbAd> listSbAds(std::string_view profileId, const std::vector<std::string>& campaignIds);

    /// Counters for logs and tests.
    int duplicatesReused() const noexcept { return duplicates_; }

private:
    net::HttpResponse call(const std::string& operation, const std::string& method, const std::string& path,
                              std::string_view profileId, const std::string& body, const std::string& contentType,
                              const std::string& accept);

    AdsApiConfig config_;
    amazon::AccessTokenProvider& tokens_;
    net::Clock& clock_;
    net::HttpClient http_;
    net::Backoff backoff_;
    std::string endpoint_;
    int duplicates_ = 0;
};

}  // namespace settlebridge::ads
