#pragma once
// The SP-API Reports API 2021-06-30 client, as far as settlements need it (../shared/spec/amazon/
// reports_2021-06-30.json; ../shared/research/settlement.md §b):
//
//   GET {endpoint}/reports/2021-06-30/reports?reportTypes=…&processingStatuses=DONE&createdSince=…&pageSize=100
//   GET {endpoint}/reports/2021-06-30/reports?nextToken=…           (the token is the ONLY parameter)
//   GET {endpoint}/reports/2021-06-30/documents/{reportDocumentId}  → {reportDocumentId, url, compressionAlgorithm?}
//   GET {url}                                                       (presigned S3 link, ~5 minutes, no SP-API headers)
//
// Every SP-API call carries x-amz-access-token (from LWA), x-amz-date and the user agent; waits for its
// operation's token bucket; is retried on 429 / 5xx / a dropped connection with backoff and jitter (never
// sooner than Retry-After); and on 401, or 403 Unauthorized, gets a fresh access token once and is retried.
// An errors[] answer becomes SpApiError with Amazon's code and message. An expired download link (S3 403
// "Request has expired") is fetched again through getReportDocument once.
//
// Typical use (the settlement sync):
//
//   LwaClient lwa({.tokenUrl = ..., .clientId = ..., .clientSecret = ...});
//   AccessTokenProvider tokens(lwa, refreshToken);
//   ReportsClient reports({.region = Region::NA}, tokens);
//   for (const ReportInfo& r : reports.listSettlementReports(since))
//       std::string bytes = reports.downloadReport(r.reportDocumentId);   // → settlement::Parser
//
// Thread-safe: one client may serve several threads (the buckets and the token cache are shared).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/net/rate_limiter.hpp"
#include "daemon/amazon/region.hpp"
#include "daemon/net/retry.hpp"

namespace settlebridge::amazon {

// Rates from the Reports API model (../shared/spec/amazon, "Usage plan" tables): getReports 0.0222/s burst 10,
// getReportDocument 0.0167/s burst 15.
inline constexpr net::RateLimit kGetReportsLimit{0.0222, 10};
inline constexpr net::RateLimit kGetReportDocumentLimit{0.0167, 15};

inline constexpr std::string_view kSettlementReportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
/// Amazon keeps reports 90 days; createdSince further back is refused.
inline constexpr std::chrono::hours kReportRetention{24 * 90};

struct SpApiConfig {
    Region region = Region::NA;
    /// Overrides the region's production endpoint (a sandbox, or a simulator: "http://127.0.0.1:PORT").
    /// May carry a path prefix. "" = spApiEndpoint(region).
    std::string endpoint;
    std::string userAgent;  // "" = defaultUserAgent()
    net::HttpOptions http;
    net::RetryPolicy retry;
    net::RateLimit getReportsLimit = kGetReportsLimit;
    net::RateLimit getReportDocumentLimit = kGetReportDocumentLimit;
    /// Follow `x-amzn-RateLimit-Limit` when Amazon sends it.
    bool adoptRateLimitHeader = true;
    /// Decompressed documents larger than this are refused.
    std::size_t maxDocumentBytes = net::kMaxDownloadBytes;
    /// Interrupts waits (rate limits, backoff) for shutdown: CancelledError.
    std::stop_token stop;
    /// Jitter source for the backoff ([0,1)); empty = random.
    std::function<double()> jitter;
};

struct ReportInfo {
    std::string reportId;
    std::string reportType;
    std::string processingStatus;   // "DONE" for what listSettlementReports returns
    std::string reportDocumentId;   // "" unless DONE
    std::string createdTime;        // as Amazon wrote it (ISO 8601)
    std::string dataStartTime;      // "" when absent
    std::string dataEndTime;
    std::int64_t createdUtc = 0;    // the same instants as Unix seconds (0 when absent or unreadable)
    std::int64_t dataStartUtc = 0;
    std::int64_t dataEndUtc = 0;
    std::vector<std::string> marketplaceIds;
};

struct ReportsQuery {
    std::vector<std::string> reportTypes{std::string(kSettlementReportType)};
    std::vector<std::string> processingStatuses{"DONE"};
    std::vector<std::string> marketplaceIds;  // empty = not sent (it does not separate settlements anyway)
    std::optional<net::Clock::Wall> createdSince;
    std::optional<net::Clock::Wall> createdUntil;
    int pageSize = 100;  // 1..100
};

struct ReportsPage {
    std::vector<ReportInfo> reports;
    std::string nextToken;  // "" on the last page
};

struct ReportDocument {
    std::string reportDocumentId;
    std::string url;
    std::string compressionAlgorithm;  // "GZIP" or ""
};

struct DownloadedReport {
    /// Decompressed and parser-ready (see document.hpp: UTF-8, or the original bytes when no charset was
    /// named or they were UTF-8 already; the parser reads Windows-1252 fields of those itself).
    std::string bytes;
    std::string contentType;     // as S3 sent it
    std::string charset;         // lower-cased, "" when none
    bool compressed = false;     // the transfer was gzip
    bool transcoded = false;     // `bytes` were converted from `charset` to UTF-8
    std::size_t transferBytes = 0;
    int linkRefreshes = 0;       // getReportDocument calls made again because the link had expired
};

class ReportsClient {
public:
    ReportsClient(SpApiConfig config, AccessTokenProvider& tokens, net::Clock& clock = net::SystemClock::instance());

    /// One page of getReports.
    ReportsPage getReports(const ReportsQuery& query);
    /// The page after `nextToken` (sent as the only parameter).
    ReportsPage getReportsPage(std::string_view nextToken);
    /// Every page, following nextToken to the end.
    std::vector<ReportInfo> listReports(const ReportsQuery& query);
    /// Every DONE settlement report (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) created since `since`, newest
    /// first as Amazon lists them. A `since` more than 90 days back is moved to 90 days back (less a minute),
    /// Amazon's limit.
    std::vector<ReportInfo> listSettlementReports(net::Clock::Wall since);

    ReportDocument getReportDocument(std::string_view reportDocumentId);
    /// getReportDocument + download + gunzip + charset; the link is fetched again once if it has expired.
    DownloadedReport downloadDocument(std::string_view reportDocumentId);
    /// downloadDocument(id).bytes.
    std::string downloadReport(std::string_view reportDocumentId);

    /// The endpoint in use (no trailing slash).
    const std::string& endpoint() const noexcept { return endpoint_; }
    net::RateLimiter& rateLimiter() noexcept { return limiter_; }

private:
    struct Answer {
        int status = 0;
        std::string body;
        std::string requestId;
    };
    /// One SP-API GET with rate limit, retries and the one token refresh. Returns the 2xx answer; throws
    /// SpApiError for the rest.
    Answer call(const std::string& operation, const std::string& pathAndQuery);
    net::HttpResponse fetchDocument(const std::string& url);

    SpApiConfig config_;
    AccessTokenProvider& tokens_;
    net::Clock& clock_;
    net::HttpClient http_;
    net::RateLimiter limiter_;
    net::Backoff backoff_;
    std::string endpoint_;
};

}  // namespace settlebridge::amazon
