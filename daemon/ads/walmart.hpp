#pragma once
// Walmart Connect (Sponsored Products / Sponsored Search) item-level daily spend through the v2 snapshot
// report flow (../shared/spec/walmart-connect/sponsored-products.openapi.json):
//
//   POST {base}/api/v2/snapshot/report  {advertiserId, reportType: "adItem", reportMetrics[...], startDate, endDate}
//        → {code: success|failure, snapshotId, jobStatus, details}
//   GET  {base}/api/v2/snapshot?advertiserId=&snapshotId=   → {jobStatus: pending|processing|done|failed|expired,
//                                                              details: the file URL when done}
//   GET  {details}  (the same signed headers) → the report file
//
// Headers on every call: Authorization: Bearer <token>, WM_CONSUMER.ID, WM_SEC.KEY_VERSION,
// WM_CONSUMER.intimestamp (Unix epoch milliseconds) and WM_SEC.AUTH_SIGNATURE = base64(RSA-SHA256 over
// "<consumer id>\n<intimestamp>\n<key version>\n") with the partner's private key.
//
// What the saved spec leaves open (docs/ADS.md "Walmart Connect"): the file's format (CSV in gzip per the
// Display docs; JSON is accepted too) and the column names of the adItem and item reports. The parser is
// table-driven: WalmartColumns names, for each field, the header names it accepts (first = the metric
// requested); a JSON file can replace the table without a code change.
//
// Item ids become the seller's SKUs through the item report (reportType "itemHealth": itemId → sku); an item
// missing from it keeps sku "" with its item id in `asin`.

#include <chrono>
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/store/ad_spend.hpp"

namespace settlebridge::ads {

struct WalmartCredentials {
    std::string authToken;     // the partner's bearer token
    std::string consumerId;    // WM_CONSUMER.ID
    std::string privateKey;    // PEM, or the bare base64 PKCS#8 key Walmart hands out
    std::string keyVersion = "1";

    /// {"auth_token","consumer_id","private_key","key_version"} (what AdsAccounts stores sealed).
    std::string toJson() const;
    static WalmartCredentials fromJson(std::string_view json);
};

/// For each field, the header names accepted (case-insensitive); the first is the metric name requested.
struct WalmartColumns {
    std::map<std::string, std::vector<std::string>> adItem;  // date, campaignId, itemId, cost, clicks, impressions, sales, purchases
    std::map<std::string, std::vector<std::string>> item;    // itemId, sku
    std::string itemReportType = "itemHealth";

    static WalmartColumns builtIn();
    /// {"adItem": {"cost": ["adSpend", ...], ...}, "item": {...}, "itemReportType": "..."}; fields not named keep
    /// the built-in names. Throws AdsError(Config) for an unreadable file.
    static WalmartColumns load(const std::string& file);
    std::vector<std::string> adItemMetrics() const;
    std::vector<std::string> itemMetrics() const;
};

/// Rows of a report file: CSV with a header line (RFC 4180 quoting) or a JSON array of flat objects;
/// gzip is undone first. Header names as written.
std::vector<std::map<std::string, std::string>> readTable(std::string_view bytes);

/// adItem rows → store rows (ad product WALMART). Rows outside fromDate..toDate are refused; dates may be
/// YYYY-MM-DD or YYYYMMDD. Throws AdsError(Protocol) naming the row and column for a bad value or a missing
/// required column.
std::vector<store::AdSpendRow> walmartSpendRows(const std::vector<std::map<std::string, std::string>>& table,
                                                const WalmartColumns& columns,
                                                const std::map<std::string, std::string>& skuByItem,
                                                std::string_view fromDate, std::string_view toDate);
/// item report rows → itemId → sku.
std::map<std::string, std::string> walmartSkuByItem(const std::vector<std::map<std::string, std::string>>& table,
                                                    const WalmartColumns& columns);

struct WalmartConfig {
    std::string endpoint;  // base URL (…/api-proxy/service/WPA/Api/v1 or a simulator)
    net::HttpOptions http;
    net::RetryPolicy retry;
    std::chrono::milliseconds pollInitial{5'000};
    std::chrono::milliseconds pollMax{60'000};
    std::chrono::milliseconds reportTimeout{std::chrono::minutes{30}};
    std::stop_token stop;
    std::function<double()> jitter;
};

class WalmartClient {
public:
    WalmartClient(WalmartConfig config, WalmartCredentials credentials,
                  net::Clock& clock = net::SystemClock::instance());

    /// Requests a snapshot, waits for it, downloads it: the file's bytes (gzip undone).
    std::string snapshot(std::string_view advertiserId, std::string_view reportType,
                         const std::vector<std::string>& metrics, std::string_view fromDate, std::string_view toDate);
    /// Item-level spend over fromDate..toDate (each day before the advertiser's today), SKUs from the item report.
    std::vector<store::AdSpendRow> itemSpend(std::string_view advertiserId, std::string_view fromDate,
                                             std::string_view toDate, const WalmartColumns& columns);

    /// The WM_SEC.AUTH_SIGNATURE for a timestamp (exposed for tests).
    std::string signature(std::string_view timestamp) const;

private:
    net::HttpResponse call(const std::string& what, const std::string& method, const std::string& url,
                              const std::string& body);
    WalmartConfig config_;
    WalmartCredentials credentials_;
    net::Clock& clock_;
    net::HttpClient http_;
    net::Backoff backoff_;
};

}  // namespace settlebridge::ads
