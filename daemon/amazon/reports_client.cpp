#include "daemon/amazon/reports_client.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <set>

#include "daemon/amazon/document.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/net/send.hpp"

namespace settlebridge::amazon {

namespace {

constexpr std::string_view kReportsPath = "/reports/2021-06-30/reports";
constexpr std::string_view kDocumentsPath = "/reports/2021-06-30/documents/";
constexpr int kMaxPages = 10'000;

Poco::Logger& logger() { return Poco::Logger::get("settlebridge.amazon"); }

std::string snippet(std::string_view body) {
    std::string s(body.substr(0, 300));
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
    Poco::JSON::Parser parser;
    auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (!object) throw Poco::DataException("not a JSON object");
    return object;
}

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& name) {
    const Poco::Dynamic::Var value = object->get(name);
    if (value.isEmpty()) return "";
    return value.convert<std::string>();
}

std::int64_t instant(const std::string& iso) {
    if (iso.empty()) return 0;
    return common::parseDateTime(iso).value_or(0);
}

struct ErrorEntry {
    std::string code;
    std::string message;
    std::string details;
};

ErrorEntry firstError(const std::string& body) {
    ErrorEntry out;
    try {
        const auto object = parseObject(body);
        const auto errors = object->getArray("errors");
        if (errors && errors->size() > 0) {
            const auto first = errors->getObject(0);
            if (first) {
                out.code = text(first, "code");
                out.message = text(first, "message");
                out.details = text(first, "details");
                return out;
            }
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    out.message = snippet(body);
    return out;
}

std::string joinEncoded(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) out.push_back(',');  // SP-API arrays are comma-joined
        out += net::percentEncode(v);
    }
    return out;
}

ReportInfo parseReport(const Poco::JSON::Object::Ptr& object) {
    ReportInfo r;
    r.reportId = text(object, "reportId");
    r.reportType = text(object, "reportType");
    r.processingStatus = text(object, "processingStatus");
    r.reportDocumentId = text(object, "reportDocumentId");
    r.createdTime = text(object, "createdTime");
    r.dataStartTime = text(object, "dataStartTime");
    r.dataEndTime = text(object, "dataEndTime");
    r.createdUtc = instant(r.createdTime);
    r.dataStartUtc = instant(r.dataStartTime);
    r.dataEndUtc = instant(r.dataEndTime);
    if (const auto ids = object->getArray("marketplaceIds")) {
        for (std::size_t i = 0; i < ids->size(); ++i) r.marketplaceIds.push_back(ids->getElement<std::string>(static_cast<unsigned>(i)));
    }
    return r;
}

ReportsPage parsePage(const std::string& body) {
    ReportsPage page;
    try {
        const auto object = parseObject(body);
        const auto reports = object->getArray("reports");
        if (!reports) throw Poco::DataException("no \"reports\" list");
        for (std::size_t i = 0; i < reports->size(); ++i) {
            const auto report = reports->getObject(static_cast<unsigned>(i));
            if (!report) throw Poco::DataException("a report that is not an object");
            page.reports.push_back(parseReport(report));
            if (page.reports.back().reportId.empty()) throw Poco::DataException("a report without reportId");
        }
        page.nextToken = text(object, "nextToken");
    } catch (const std::exception& e) {
        throw SpApiError("getReports", 200, "", snippet(body), "", "",
                         "Amazon's list of reports could not be read (" + std::string(e.what()) + ")");
    }
    return page;
}

std::string friendlyMessage(const std::string& operation, int status, const ErrorEntry& e, Region region,
                            int attempts, const std::string& requestId) {
    std::string amazon = "HTTP " + std::to_string(status);
    if (!e.code.empty()) amazon += " " + e.code;
    if (!e.message.empty()) amazon += ": " + e.message;
    if (!e.details.empty()) amazon += " (" + e.details + ")";
    if (!requestId.empty()) amazon += "; request id " + requestId;
    if (status == 401 || status == 403) {
        return "Amazon refused access to this seller's reports in the " + std::string(regionName(region)) +
               " region even with a fresh access token: check that the connection's region is the seller account's "
               "region and that the app has the Finance and Accounting role [" + operation + ": " + amazon + "]";
    }
    if (status == 429) {
        return "Amazon is throttling report requests (tried " + std::to_string(attempts) +
               " times); the next sync will try again [" + operation + ": " + amazon + "]";
    }
    if (status >= 500) {
        return "Amazon's Reports service is failing right now (tried " + std::to_string(attempts) +
               " times); the next sync will try again [" + operation + ": " + amazon + "]";
    }
    if (status == 404) return "Amazon does not know that report or document [" + operation + ": " + amazon + "]";
    return "Amazon refused the request [" + operation + ": " + amazon + "]";
}

}  // namespace

ReportsClient::ReportsClient(SpApiConfig config, AccessTokenProvider& tokens, net::Clock& clock)
    : config_(std::move(config)),
      tokens_(tokens),
      clock_(clock),
      http_(config_.http),
      limiter_(clock),
      backoff_(config_.retry, config_.jitter) {
    if (config_.userAgent.empty()) config_.userAgent = defaultUserAgent();
    if (config_.userAgent.size() > 500) throw ConfigError("SP-API refuses a user agent longer than 500 characters");
    endpoint_ = config_.endpoint.empty() ? spApiEndpoint(config_.region) : config_.endpoint;
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
    limiter_.configure("getReports", config_.getReportsLimit);
    limiter_.configure("getReportDocument", config_.getReportDocumentLimit);
}

ReportsClient::Answer ReportsClient::call(const std::string& operation, const std::string& pathAndQuery) {
    bool refreshedToken = false;
    std::string token;
    net::SendHooks hooks;
    hooks.build = [&] {
        limiter_.acquire(operation, config_.stop);
        token = tokens_.accessToken();
        net::HttpRequest request;
        request.url = endpoint_ + pathAndQuery;
        request.headers = {{"x-amz-access-token", token},
                           {"x-amz-date", net::amzDate(clock_.wallNow())},
                           {"User-Agent", config_.userAgent},
                           {"Accept", "application/json"}};
        return request;
    };
    hooks.inspect = [&](const net::HttpResponse& response) {
        if (config_.adoptRateLimitHeader) {
            if (auto limit = response.header("x-amzn-RateLimit-Limit")) limiter_.observeLimitHeader(operation, *limit);
        }
        if (response.status >= 200 && response.status < 300) return net::Verdict::Final;
        if ((response.status == 401 || response.status == 403) && !refreshedToken) {
            // An expired or revoked access token: one fresh token, one more try (LwaError if LWA refuses).
            logger().information("%s: HTTP %d %s; refreshing the access token once", operation, response.status,
                                 firstError(response.body).code);
            tokens_.invalidate(token);
            refreshedToken = true;
            return net::Verdict::SendAgain;
        }
        return net::Verdict::Retryable;
    };
    hooks.onRetry = [&](const net::HttpResponse* answer, const std::string& failure, std::chrono::milliseconds wait) {
        if (answer == nullptr) {
            logger().warning("%s: %s; retrying", operation, failure);
        } else {
            logger().warning("%s: HTTP %d %s; retrying in %s ms", operation, answer->status,
                             firstError(answer->body).code, std::to_string(wait.count()));
        }
    };
    net::SendOutcome outcome = net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks);
    net::HttpResponse& response = outcome.response;
    const std::string requestId = response.header("x-amzn-RequestId").value_or("");
    if (response.status >= 200 && response.status < 300) return Answer{response.status, std::move(response.body), requestId};
    const ErrorEntry error = firstError(response.body);
    throw SpApiError(operation, response.status, error.code, error.message, error.details, requestId,
                     friendlyMessage(operation, response.status, error, config_.region, outcome.attempts, requestId));
}

ReportsPage ReportsClient::getReports(const ReportsQuery& query) {
    if (query.reportTypes.empty() || query.reportTypes.size() > 10) {
        throw ConfigError("getReports needs 1 to 10 report types");
    }
    if (query.pageSize < 1 || query.pageSize > 100) throw ConfigError("getReports pageSize must be 1 to 100");
    if (query.marketplaceIds.size() > 10) throw ConfigError("getReports takes at most 10 marketplace ids");
    std::string q = "?reportTypes=" + joinEncoded(query.reportTypes);
    if (!query.processingStatuses.empty()) q += "&processingStatuses=" + joinEncoded(query.processingStatuses);
    if (!query.marketplaceIds.empty()) q += "&marketplaceIds=" + joinEncoded(query.marketplaceIds);
    if (query.createdSince) q += "&createdSince=" + net::percentEncode(net::isoUtc(*query.createdSince));
    if (query.createdUntil) q += "&createdUntil=" + net::percentEncode(net::isoUtc(*query.createdUntil));
    q += "&pageSize=" + std::to_string(query.pageSize);
    return parsePage(call("getReports", std::string(kReportsPath) + q).body);
}

ReportsPage ReportsClient::getReportsPage(std::string_view nextToken) {
    if (nextToken.empty()) throw ConfigError("getReports: an empty nextToken");
    return parsePage(call("getReports", std::string(kReportsPath) + "?nextToken=" + net::percentEncode(nextToken)).body);
}

std::vector<ReportInfo> ReportsClient::listReports(const ReportsQuery& query) {
    ReportsPage page = getReports(query);
    std::vector<ReportInfo> out = std::move(page.reports);
    std::set<std::string> seenTokens;
    int pages = 1;
    while (!page.nextToken.empty()) {
        if (!seenTokens.insert(page.nextToken).second || ++pages > kMaxPages) {
            throw SpApiError("getReports", 200, "", "", "", "",
                             "Amazon's list of reports does not end (the same nextToken came back); try again later");
        }
        page = getReportsPage(page.nextToken);
        out.insert(out.end(), std::make_move_iterator(page.reports.begin()),
                   std::make_move_iterator(page.reports.end()));
    }
    return out;
}

std::vector<ReportInfo> ReportsClient::listSettlementReports(net::Clock::Wall since) {
    const net::Clock::Wall oldest = clock_.wallNow() - kReportRetention + std::chrono::minutes{10};
    ReportsQuery query;
    query.createdSince = std::max(since, oldest);
    query.pageSize = 100;
    std::vector<ReportInfo> reports = listReports(query);
    std::erase_if(reports, [](const ReportInfo& r) {
        return r.processingStatus != "DONE" || r.reportDocumentId.empty() || r.reportType != kSettlementReportType;
    });
    return reports;
}

ReportDocument ReportsClient::getReportDocument(std::string_view reportDocumentId) {
    if (reportDocumentId.empty()) throw ConfigError("getReportDocument: an empty report document id");
    const Answer answer =
        call("getReportDocument", std::string(kDocumentsPath) + net::percentEncode(reportDocumentId));
    ReportDocument document;
    try {
        const auto object = parseObject(answer.body);
        document.reportDocumentId = text(object, "reportDocumentId");
        document.url = text(object, "url");
        document.compressionAlgorithm = text(object, "compressionAlgorithm");
    } catch (const std::exception& e) {
        throw SpApiError("getReportDocument", answer.status, "", snippet(answer.body), "", answer.requestId,
                         "Amazon's answer about a report document could not be read (" + std::string(e.what()) + ")");
    }
    if (document.url.empty()) {
        throw SpApiError("getReportDocument", answer.status, "", snippet(answer.body), "", answer.requestId,
                         "Amazon gave no download link for report document " + std::string(reportDocumentId));
    }
    return document;
}

net::HttpResponse ReportsClient::fetchDocument(const std::string& url) {
    net::SendHooks hooks;
    hooks.build = [&] {
        net::HttpRequest request;
        request.url = url;
        request.headers = {{"User-Agent", config_.userAgent}};  // a presigned link: no SP-API headers
        return request;
    };
    hooks.inspect = [](const net::HttpResponse& response) {
        return net::isRetryableStatus(response.status) ? net::Verdict::Retryable : net::Verdict::Final;
    };
    hooks.onRetry = [](const net::HttpResponse* answer, const std::string& failure, std::chrono::milliseconds) {
        if (answer == nullptr) {
            logger().warning("report download: %s; retrying", failure);
        } else {
            logger().warning("report download: HTTP %d; retrying", answer->status);
        }
    };
    net::SendRules rules;
    rules.capRetryAfter = false;  // S3 rarely asks; when it does, the download waits for it
    return net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks, rules).response;
}

DownloadedReport ReportsClient::downloadDocument(std::string_view reportDocumentId) {
    ReportDocument document = getReportDocument(reportDocumentId);
    DownloadedReport out;
    net::HttpResponse response;
    for (;;) {
        response = fetchDocument(document.url);
        if (response.status == 200) break;
        const std::optional<S3Error> s3 = parseS3Error(response.body);
        const std::string s3Text =
            s3 ? s3->code + (s3->message.empty() ? "" : ": " + s3->message) : snippet(response.body);
        if (response.status == 403 && out.linkRefreshes == 0) {
            // Presigned links live about five minutes: ask for a new one, once.
            logger().information("report document %s: the download link was refused (%s); fetching a new link",
                                 std::string(reportDocumentId), s3Text);
            document = getReportDocument(reportDocumentId);
            ++out.linkRefreshes;
            continue;
        }
        std::string message;
        if (response.status == 403) {
            message = "Amazon's download link for report document " + std::string(reportDocumentId) +
                      " was refused again after fetching a new one (HTTP 403 " + s3Text +
                      "): check that this computer's clock is right; the next sync will try again";
        } else {
            message = "the report document " + std::string(reportDocumentId) +
                      " could not be downloaded (HTTP " + std::to_string(response.status) + " " + s3Text +
                      "); the next sync will try again";
        }
        throw DownloadError(response.status, s3 ? s3->code : "", s3 ? s3->message : "", message);
    }

    out.transferBytes = response.body.size();
    out.contentType = response.header("Content-Type").value_or("");
    out.charset = charsetOf(out.contentType);
    std::string bytes;
    if (looksGzipped(response.body)) {
        out.compressed = true;
        bytes = gunzip(response.body, config_.maxDocumentBytes);
    } else {
        if (document.compressionAlgorithm == "GZIP") {
            logger().information("report document %s: said GZIP but is plain text; reading it as is",
                                 std::string(reportDocumentId));
        }
        bytes = std::move(response.body);
    }
    const std::size_t before = bytes.size();
    std::string decoded = decodeReportText(bytes, out.charset);
    out.transcoded = decoded.size() != before || decoded != bytes;
    out.bytes = std::move(decoded);
    return out;
}

std::string ReportsClient::downloadReport(std::string_view reportDocumentId) {
    return downloadDocument(reportDocumentId).bytes;
}

}  // namespace settlebridge::amazon
