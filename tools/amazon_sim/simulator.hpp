#pragma once
// The Amazon simulator: Login with Amazon (consent page + token endpoint), the SP-API Reports API 2021-06-30
// operations Settlebridge uses (getReports, getReportDocument) and S3-style presigned downloads, serving the
// settlement reports of a folder. Wire formats follow ../../../shared/spec/amazon/reports_2021-06-30.json and
// the recorded exchanges in ../../../shared/fixtures/spapi/peddler/. See README.md for the CLI and the
// /_control protocol. A test tool: not part of the product binary.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace amazon_sim {

struct RateSetting {
    std::string text = "0.0222";  // as sent in x-amzn-RateLimit-Limit
    double perSecond = 0.0222;
    double burst = 10;
};

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string publicUrl;  // base of the download links; "" = http://host:boundPort
    std::string readyFile;
    std::string reportsDir;
    std::vector<std::string> reportFiles;

    std::string clientId = "amzn1.application-oa2-client.settlebridge-sim";
    std::string clientSecret = "amzn1.oa2-cs.v1.settlebridge-sim-secret";
    std::string applicationId = "amzn1.sp.solution.settlebridge-sim";
    std::vector<std::string> refreshTokens{"Atzr|settlebridge-sim-refresh-token"};
    std::vector<std::string> redirectUris;  // registered redirect URIs; empty = any
    bool draftApp = false;                  // consent needs version=beta
    std::string sellerId = "A1SIMSELLER0001";
    std::string region = "NA";
    std::vector<std::string> marketplaceIds;  // empty = the region's usual ones

    int tokenLifetime = 3600;  // seconds an access token lives
    int codeLifetime = 300;    // seconds an authorization code lives
    int urlLifetime = 300;     // X-Amz-Expires of download links
    int pageSizeCap = 100;     // pages never larger than this (to force paging)
    int expiredTokenStatus = 403;  // Amazon answers 403 Unauthorized for an expired token; 401 on request
    std::string gzip = "auto";     // auto (.gz files gzip), all, none, alternate
    std::string charset = "Cp1252";  // Content-Type charset of downloads; "" = none
    std::string createdTimes = "recent";  // recent | settlement
    std::string reportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
    bool enforceRateLimits = false;
    std::map<std::string, RateSetting> rates{{"getReports", {"0.0222", 0.0222, 10}},
                                             {"getReportDocument", {"0.0167", 0.0167, 15}}};
};

class Simulator {
public:
    /// Loads the reports (throws std::runtime_error for an unreadable folder or file).
    explicit Simulator(Options options);

    /// Called once the server is bound, to build download links.
    void setBoundPort(std::uint16_t port);
    const Options& options() const { return options_; }
    std::size_t reportCount() const;

    /// Serves one request. Never throws.
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    struct Report {
        std::string reportId;
        std::string documentId;
        std::string settlementId;
        std::string source;
        std::string body;  // what a download serves (gzip bytes when gzip)
        bool gzip = false;
        std::int64_t createdUtc = 0;
        std::int64_t dataStartUtc = 0;
        std::int64_t dataEndUtc = 0;
    };
    struct AccessToken {
        std::string refreshToken;
        std::chrono::steady_clock::time_point expiresAt;
    };
    struct AuthCode {
        std::string redirectUri;
        std::chrono::steady_clock::time_point expiresAt;
        bool used = false;
    };
    struct Failure {
        std::string operation;
        int status = 500;
        std::optional<int> retryAfter;
        int remaining = 1;
        std::string code;
        std::string message;
        std::optional<std::string> body;  // replaces the whole answer body (any status, even 200)
        std::string contentType;
    };
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point last;
    };
    struct RequestRecord {
        std::uint64_t seq = 0;
        std::string operation;
        std::string method;
        std::string path;
        std::string query;
        std::map<std::string, std::string> headers;
        int status = 0;
    };
    struct Reply {
        int status = 200;
        std::string contentType = "application/json";
        std::string body;
        std::vector<std::pair<std::string, std::string>> headers;
    };
    struct Paging {
        std::vector<std::size_t> matches;  // indexes into reports_
        std::size_t offset = 0;
        int pageSize = 10;
    };

    Report makeReport(std::string source, std::string content, bool gzipped, std::int64_t createdUtc);
    void loadReports();

    Reply route(const std::string& method, const std::string& path, const std::string& query,
                const std::map<std::string, std::string>& headers, const std::string& body, std::string& operation);
    Reply consentPage(const std::map<std::string, std::string>& q);
    Reply consentConfirm(const std::map<std::string, std::string>& q);
    Reply token(const std::string& body, const std::map<std::string, std::string>& headers);
    Reply getReports(const std::map<std::string, std::string>& q, const std::vector<std::string>& names);
    Reply getReportDocument(const std::string& documentId);
    Reply download(const std::string& documentId, const std::map<std::string, std::string>& q);
    Reply control(const std::string& method, const std::string& body);
    Reply controlState();

    std::optional<Reply> checkAccess(const std::map<std::string, std::string>& headers, const std::string& regionPrefix);
    std::optional<Reply> injectedFailure(const std::string& operation);
    std::optional<Reply> throttle(const std::string& operation);
    void addRateHeader(Reply& reply, const std::string& operation) const;
    std::string reportJson(const Report& report) const;
    std::string downloadUrl(const Report& report, bool expired) const;
    std::string addReportFromFile(const std::string& path, const std::string& settlementOverride, bool reissue);

    Options options_;
    mutable std::mutex mutex_;
    std::uint16_t boundPort_ = 0;
    std::string urlSecret_;
    std::vector<Report> reports_;
    std::uint64_t nextReportNumber_ = 50'000'000'001ULL;
    std::set<std::string> refreshTokens_;
    std::map<std::string, AccessToken> accessTokens_;
    std::map<std::string, AuthCode> codes_;
    std::map<std::string, Paging> pagings_;
    std::vector<Failure> failures_;
    std::map<std::string, Bucket> buckets_;
    int expireNextUrls_ = 0;
    int cutNextDownloads_ = 0;  // the next N downloads serve half of the document (a damaged copy)
    bool expireAllUrls_ = false;
    std::vector<RequestRecord> requests_;
    std::uint64_t requestSeq_ = 0;
    std::map<std::string, int> counts_;
};

}  // namespace amazon_sim
