// The SP-API Reports client against the simulator: paging, downloads (plain, gzip, Windows-1252), expired
// links, throttling and server errors, token expiry and revocation, typed errors, re-issued settlements.

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <zlib.h>

#include <Poco/URI.h>

#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/reports_client.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/settlement/parser.hpp"
#include "tests/unit/amazon/sim_process.hpp"

using namespace std::chrono_literals;
using namespace settlebridge::amazon;
namespace net = settlebridge::net;
using settlebridge::testing::AmazonSim;
using settlebridge::testing::fastRates;
using settlebridge::testing::kSimRefreshToken;
using settlebridge::testing::lwaConfig;
using settlebridge::testing::readBytes;
using settlebridge::testing::settlementFixture;
using settlebridge::testing::spApiConfig;
using settlebridge::testing::TempFolder;
using settlebridge::testing::v2Settlement;
using settlebridge::testing::writeBytes;

namespace {

const std::vector<std::string> kFixtures{
    "v1-33_CA_CAD_90000000011_negative-total_inbound-transport_month-end.txt",
    "v1_CA_CAD_90000000012_negative-total_payable-to-amazon_successful-charge.txt",
    "v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt",
    "v1_CA_CAD_90000000014_storage-fee_ads_shipping-promo_month-end.txt",
    "v1_CA_CAD_90000000015_reversal-reimbursement_refunds.txt",
    "v1_CA_CAD_90000000016_storage_warehouse-damage_month-end.txt",
    "v1_CA_CAD_90000000017_large.txt",
    "v2_IN_INR_90000000018_negative-total_payable-to-amazon_debt-adjustment_ads.txt",
};

std::string gzipBytes(const std::string& plain) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// What the settlement parser makes of a downloaded document.
struct Parsed : settlebridge::settlement::RowSink {
    settlebridge::settlement::SettlementHeader header;
    std::vector<std::string> skus;
    std::size_t rows = 0;
    void onHeader(const settlebridge::settlement::SettlementHeader& h) override { header = h; }
    void onRow(const settlebridge::settlement::Row& row) override {
        ++rows;
        if (!row.sku.empty()) skus.emplace_back(row.sku);
    }
};

Parsed parse(const std::string& bytes) {
    Parsed p;
    settlebridge::settlement::Parser("download").parse(std::string_view(bytes), p);
    return p;
}

/// The client stack of one connection, on a fake clock (waits are instant and recorded).
struct Client {
    explicit Client(const AmazonSim& sim, SpApiConfig config = {})
        : clock(std::chrono::system_clock::now()),
          lwa(lwaConfig(sim), clock),
          tokens(lwa, kSimRefreshToken),
          reports(config.endpoint.empty() ? spApiConfig(sim) : std::move(config), tokens, clock) {}
    net::ManualClock clock;
    LwaClient lwa;
    AccessTokenProvider tokens;
    ReportsClient reports;
};

std::vector<std::string> simArgs(const TempFolder& folder, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = fastRates();
    args.push_back("--reports-dir");
    args.push_back(folder.path().string());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

void copyFixtures(const TempFolder& folder) {
    for (const auto& name : kFixtures) writeBytes(folder.file(name), readBytes(settlementFixture(name)));
}

std::map<std::string, std::string> queryOf(const Poco::JSON::Object::Ptr& request) {
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : Poco::URI("/?" + request->getValue<std::string>("query")).getQueryParameters()) {
        out[name] = value;
    }
    return out;
}

}  // namespace

TEST(ReportsClient, ListsEveryReportAcrossManyPages) {
    TempFolder folder;
    copyFixtures(folder);
    for (int i = 0; i < 15; ++i) {
        writeBytes(folder.file("extra_" + std::to_string(i) + ".txt"), v2Settlement(std::to_string(70000000000 + i), "SKU-" + std::to_string(i)));
    }
    AmazonSim sim(simArgs(folder, {"--page-size-cap", "2"}));
    Client c(sim);
    const auto since = c.clock.wallNow() - std::chrono::hours(24 * 30);
    const std::vector<ReportInfo> reports = c.reports.listSettlementReports(since);

    ASSERT_EQ(reports.size(), 23u);
    std::set<std::string> ids;
    std::set<std::string> documents;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const ReportInfo& r = reports[i];
        ids.insert(r.reportId);
        documents.insert(r.reportDocumentId);
        EXPECT_EQ(r.reportType, "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2");
        EXPECT_EQ(r.processingStatus, "DONE");
        EXPECT_EQ(r.reportDocumentId.rfind("amzn1.spdoc.1.4.na.", 0), 0u) << r.reportDocumentId;
        EXPECT_GT(r.createdUtc, 0);
        EXPECT_GT(r.dataStartUtc, 0);
        EXPECT_LE(r.dataStartUtc, r.dataEndUtc);
        EXPECT_FALSE(r.marketplaceIds.empty());
        if (i > 0) {
            EXPECT_GE(reports[i - 1].createdUtc, r.createdUtc) << "newest first";
        }
    }
    EXPECT_EQ(ids.size(), 23u);
    EXPECT_EQ(documents.size(), 23u);

    // 12 pages: the first with the filters, every next one with nextToken as the only parameter.
    const auto calls = sim.requests("getReports");
    ASSERT_EQ(calls.size(), 12u);
    const auto first = queryOf(calls[0]);
    EXPECT_EQ(first.at("reportTypes"), "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2");
    EXPECT_EQ(first.at("processingStatuses"), "DONE");
    EXPECT_EQ(first.at("pageSize"), "100");
    EXPECT_TRUE(std::regex_match(first.at("createdSince"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    EXPECT_EQ(first.count("nextToken"), 0u);
    for (std::size_t i = 1; i < calls.size(); ++i) {
        const auto q = queryOf(calls[i]);
        EXPECT_EQ(q.size(), 1u) << calls[i]->getValue<std::string>("query");
        EXPECT_EQ(q.count("nextToken"), 1u);
        EXPECT_EQ(calls[i]->getValue<int>("status"), 200);
    }
    EXPECT_EQ(c.tokens.refreshCount(), 1);  // one access token for the whole listing
}

TEST(ReportsClient, RequestsCarryTheSpApiHeadersAndDownloadsDoNot) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);
    c.reports.downloadReport(reports[0].reportDocumentId);

    const std::string token = c.tokens.accessToken();
    for (const char* op : {"getReports", "getReportDocument"}) {
        const auto calls = sim.requests(op);
        ASSERT_EQ(calls.size(), 1u) << op;
        const auto headers = calls[0]->getObject("headers");
        EXPECT_EQ(headers->getValue<std::string>("x-amz-access-token"), token);
        EXPECT_TRUE(std::regex_match(headers->getValue<std::string>("x-amz-date"), std::regex(R"(\d{8}T\d{6}Z)")));
        EXPECT_EQ(headers->getValue<std::string>("user-agent"), defaultUserAgent());
        EXPECT_FALSE(headers->has("authorization"));  // no SigV4
    }
    const auto downloads = sim.requests("download");
    ASSERT_EQ(downloads.size(), 1u);
    const auto headers = downloads[0]->getObject("headers");
    EXPECT_FALSE(headers->has("x-amz-access-token"));
    EXPECT_FALSE(headers->has("x-amz-date"));
    EXPECT_EQ(headers->getValue<std::string>("user-agent"), defaultUserAgent());
}

TEST(ReportsClient, DownloadsPlainAndGzipDocuments) {
    TempFolder folder;
    copyFixtures(folder);
    const std::string gzSource = v2Settlement("70000000099", "GZ-SKU", 50);
    writeBytes(folder.file("zz_already.txt.gz"), gzipBytes(gzSource));
    AmazonSim sim(simArgs(folder, {"--gzip", "alternate"}));  // every other plain file is served gzip too
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), kFixtures.size() + 1);

    const auto simReports = sim.state()->getArray("reports");
    int gzipped = 0;
    int plain = 0;
    for (std::size_t i = 0; i < simReports->size(); ++i) {
        const auto r = simReports->getObject(static_cast<unsigned>(i));
        const std::string documentId = r->getValue<std::string>("reportDocumentId");
        const std::string source = r->getValue<std::string>("source");
        const DownloadedReport d = c.reports.downloadDocument(documentId);
        const bool isGz = source.size() > 3 && source.substr(source.size() - 3) == ".gz";
        const std::string expected = isGz ? gzSource : readBytes(source);
        EXPECT_EQ(d.bytes, expected) << source;
        EXPECT_EQ(d.compressed, r->getValue<bool>("gzip")) << source;
        EXPECT_EQ(d.charset, "cp1252");
        EXPECT_FALSE(d.transcoded) << source;  // ASCII files need no conversion
        EXPECT_EQ(d.linkRefreshes, 0);
        if (d.compressed) {
            ++gzipped;
            EXPECT_LT(d.transferBytes, d.bytes.size());
        } else {
            ++plain;
            EXPECT_EQ(d.transferBytes, d.bytes.size());
        }
        const Parsed parsed = parse(d.bytes);
        EXPECT_EQ(parsed.header.settlementId, r->getValue<std::string>("settlementId"));
        EXPECT_GT(parsed.rows, 0u);
    }
    EXPECT_GE(gzipped, 4);
    EXPECT_GE(plain, 4);
}

TEST(ReportsClient, Windows1252DocumentIsDecodedForTheParser) {
    TempFolder folder;
    writeBytes(folder.file("cp1252.txt"), v2Settlement("70000000007", "CAF\xC9-\x80-1"));  // É and € in Windows-1252
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);
    const DownloadedReport d = c.reports.downloadDocument(reports[0].reportDocumentId);
    EXPECT_EQ(d.charset, "cp1252");
    EXPECT_TRUE(d.transcoded);
    EXPECT_NE(d.bytes.find("CAF\xC3\x89-\xE2\x82\xAC-1"), std::string::npos);
    const Parsed parsed = parse(d.bytes);
    ASSERT_FALSE(parsed.skus.empty());
    EXPECT_EQ(parsed.skus.front(), "CAF\xC3\x89-\xE2\x82\xAC-1");

    // Without a charset (seen on real V2 settlement downloads) the raw bytes come through, and the parser
    // still reads the field as Windows-1252.
    sim.control(R"({"charset": ""})");
    const DownloadedReport raw = c.reports.downloadDocument(reports[0].reportDocumentId);
    EXPECT_EQ(raw.charset, "");
    EXPECT_FALSE(raw.transcoded);
    EXPECT_NE(raw.bytes.find("CAF\xC9-\x80-1"), std::string::npos);
    EXPECT_EQ(parse(raw.bytes).skus.front(), "CAF\xC3\x89-\xE2\x82\xAC-1");
}

TEST(ReportsClient, ExpiredLinkIsFetchedAgainOnce) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);

    sim.control(R"({"expire_next_urls": 1})");
    const DownloadedReport d = c.reports.downloadDocument(reports[0].reportDocumentId);
    EXPECT_EQ(d.linkRefreshes, 1);
    EXPECT_EQ(parse(d.bytes).header.settlementId, "70000000001");
    EXPECT_EQ(sim.count("getReportDocument"), 2);
    const auto downloads = sim.requests("download");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[0]->getValue<int>("status"), 403);
    EXPECT_EQ(downloads[1]->getValue<int>("status"), 200);

    // Links that are always dead: one new link, then a clear error.
    sim.control(R"({"expire_all_urls": true})");
    try {
        c.reports.downloadDocument(reports[0].reportDocumentId);
        FAIL() << "no error";
    } catch (const DownloadError& e) {
        EXPECT_EQ(e.httpStatus(), 403);
        EXPECT_EQ(e.s3Code(), "AccessDenied");
        EXPECT_EQ(e.s3Message(), "Request has expired");
        EXPECT_NE(std::string(e.what()).find("clock"), std::string::npos) << e.what();
    }
    EXPECT_EQ(sim.count("getReportDocument"), 4);
    EXPECT_EQ(sim.count("download"), 4);
}

TEST(ReportsClient, ThrottledThenSuccessHonoursRetryAfter) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    sim.control(R"({"fail_next": [{"operation": "getReports", "status": 429, "retry_after": 3}]})");
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    EXPECT_EQ(reports.size(), 1u);
    const auto calls = sim.requests("getReports");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0]->getValue<int>("status"), 429);
    EXPECT_EQ(calls[1]->getValue<int>("status"), 200);
    EXPECT_EQ(calls[0]->getValue<std::string>("query"), calls[1]->getValue<std::string>("query"));  // the same call again
    const auto sleeps = c.clock.sleeps();
    ASSERT_FALSE(sleeps.empty());
    EXPECT_GE(sleeps.back(), 3000ms);

    // A 429 without Retry-After backs off exponentially with jitter.
    sim.control(R"({"fail_next": [{"operation": "getReportDocument", "status": 429, "count": 3}]})");
    const std::size_t before = c.clock.sleeps().size();
    c.reports.downloadReport(reports[0].reportDocumentId);
    const auto after = c.clock.sleeps();
    ASSERT_EQ(after.size(), before + 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto base = 20ms * (1 << i);  // fastRetry(): 20 ms doubling
        EXPECT_GE(after[before + i], base / 2);
        EXPECT_LE(after[before + i], base);
    }
}

TEST(ReportsClient, ServerErrorThenSuccessAndThenGivingUp) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);

    sim.control(R"({"fail_next": [{"operation": "getReportDocument", "status": 500, "count": 2},
                                  {"operation": "download", "status": 503}]})");
    const DownloadedReport d = c.reports.downloadDocument(reports[0].reportDocumentId);
    EXPECT_EQ(parse(d.bytes).header.settlementId, "70000000001");
    EXPECT_EQ(sim.count("getReportDocument"), 3);
    EXPECT_EQ(sim.count("download"), 2);

    sim.control(R"({"fail_next": [{"operation": "getReports", "status": 500, "count": 10}]})");
    try {
        c.reports.listSettlementReports(c.clock.wallNow() - 24h);
        FAIL() << "no error";
    } catch (const SpApiError& e) {
        EXPECT_EQ(e.httpStatus(), 500);
        EXPECT_EQ(e.code(), "InternalFailure");
        EXPECT_EQ(e.operation(), "getReports");
        EXPECT_FALSE(e.requestId().empty());
        EXPECT_NE(std::string(e.what()).find("tried 5 times"), std::string::npos) << e.what();
    }
    EXPECT_EQ(sim.count("getReports"), 1 + 5);
}

TEST(ReportsClient, ErrorsPayloadBecomesATypedError) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    sim.control(R"({"fail_next": [{"operation": "getReportDocument", "status": 400, "code": "InvalidInput",
                                   "message": "Invalid reportDocumentId"}]})");
    try {
        c.reports.getReportDocument("amzn1.spdoc.1.4.na.whatever");
        FAIL() << "no error";
    } catch (const SpApiError& e) {
        EXPECT_EQ(e.httpStatus(), 400);
        EXPECT_EQ(e.code(), "InvalidInput");
        EXPECT_EQ(e.amazonMessage(), "Invalid reportDocumentId");
        EXPECT_NE(std::string(e.what()).find("InvalidInput: Invalid reportDocumentId"), std::string::npos) << e.what();
    }
    EXPECT_EQ(sim.count("getReportDocument"), 1);  // a 400 is not retried
    try {
        c.reports.getReportDocument("amzn1.spdoc.1.4.na.unknown");
        FAIL() << "no error";
    } catch (const SpApiError& e) {
        EXPECT_EQ(e.httpStatus(), 404);
        EXPECT_EQ(e.code(), "NotFound");
    }
    // A 200 whose body is not the model's answer is an error too, not an empty list.
    sim.control(R"({"fail_next": [{"operation": "getReports", "status": 200, "body": "{\"report\": []}"}]})");
    EXPECT_THROW(c.reports.listSettlementReports(c.clock.wallNow() - 24h), SpApiError);
    EXPECT_THROW(c.reports.getReportDocument(""), ConfigError);
}

TEST(ReportsClient, TokenExpiryMidSyncRefreshesOnceAndGoesOn) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    writeBytes(folder.file("b.txt"), v2Settlement("70000000002", "SKU-B"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(c.tokens.refreshCount(), 1);

    // Amazon's answer to an expired token: 403 Unauthorized "The access token you provided has expired."
    sim.control(R"({"expire_access_tokens": true})");
    const Parsed first = parse(c.reports.downloadReport(reports[0].reportDocumentId));
    EXPECT_TRUE(first.header.settlementId == "70000000001" || first.header.settlementId == "70000000002");
    EXPECT_EQ(c.tokens.refreshCount(), 2);
    auto calls = sim.requests("getReportDocument");
    ASSERT_GE(calls.size(), 2u);
    EXPECT_EQ(calls[0]->getValue<int>("status"), 403);
    EXPECT_EQ(calls[1]->getValue<int>("status"), 200);

    // The same with a 401.
    sim.control(R"({"expire_access_tokens": true, "expired_token_status": 401})");
    EXPECT_EQ(parse(c.reports.downloadReport(reports[1].reportDocumentId)).rows, 1u);
    EXPECT_EQ(c.tokens.refreshCount(), 3);
    calls = sim.requests("getReportDocument");
    EXPECT_EQ(calls[calls.size() - 2]->getValue<int>("status"), 401);
    EXPECT_EQ(calls.back()->getValue<int>("status"), 200);
    EXPECT_EQ(sim.count("token"), 3);
}

TEST(ReportsClient, RevokedTokenStopsWithAClearErrorAndDoesNothingElse) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);
    sim.control(R"({"revoke_refresh_token": true, "reset_requests": true})");
    try {
        c.reports.downloadReport(reports[0].reportDocumentId);
        FAIL() << "no error";
    } catch (const LwaError& e) {
        EXPECT_EQ(e.kind(), LwaError::Kind::InvalidGrant);
        EXPECT_NE(std::string(e.what()).find("reconnect"), std::string::npos) << e.what();
    }
    // One refused call, one refused refresh, and nothing after.
    EXPECT_EQ(sim.count("getReportDocument"), 1);
    EXPECT_EQ(sim.count("token"), 1);
    EXPECT_EQ(sim.count("download"), 0);
    EXPECT_EQ(sim.count("getReports"), 0);
    // The next call fails the same way, without retry storms.
    EXPECT_THROW(c.reports.listSettlementReports(c.clock.wallNow() - 24h), LwaError);
    EXPECT_EQ(sim.count("getReports"), 0);  // the token was already dropped: LWA refuses before any SP-API call
    EXPECT_EQ(sim.count("token"), 2);
}

TEST(ReportsClient, ReissuedSettlementIsASecondReportWithTheSameSettlementId) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    writeBytes(folder.file("b.txt"), v2Settlement("70000000002", "SKU-B"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    ASSERT_EQ(c.reports.listSettlementReports(c.clock.wallNow() - 24h).size(), 2u);

    // Amazon re-issues settlement 70000000001 with one more row (it did not balance).
    writeBytes(folder.file("a-fixed.txt"), v2Settlement("70000000001", "SKU-A", 1));
    const auto answer = sim.control(R"({"reissue": {"settlement_id": "70000000001", "file": ")" +
                                    folder.file("a-fixed.txt").string() + "\"}}");
    const std::string reissuedId = answer->getObject("reissued")->getValue<std::string>("reportId");

    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports.front().reportId, reissuedId);  // newest first
    std::map<std::string, std::vector<std::string>> bySettlement;
    for (const auto& r : reports) {
        const Parsed p = parse(c.reports.downloadReport(r.reportDocumentId));
        bySettlement[p.header.settlementId].push_back(r.reportId);
        if (r.reportId == reissuedId) {
            EXPECT_EQ(p.rows, 2u);
            EXPECT_EQ(p.header.totalAmount, 2000);
        }
    }
    ASSERT_EQ(bySettlement["70000000001"].size(), 2u);
    EXPECT_NE(bySettlement["70000000001"][0], bySettlement["70000000001"][1]);
    EXPECT_EQ(bySettlement["70000000002"].size(), 1u);

    // A re-issue with the same content (no file): still a new report id and document.
    sim.control(R"({"reissue": {"settlement_id": "70000000002"}})");
    EXPECT_EQ(c.reports.listSettlementReports(c.clock.wallNow() - 24h).size(), 4u);
}

TEST(ReportsClient, DamagedGzipDocumentIsRefused) {
    TempFolder folder;
    const std::string gz = gzipBytes(v2Settlement("70000000003", "SKU-C", 200));
    writeBytes(folder.file("cut.txt.gz"), gz.substr(0, gz.size() * 2 / 3));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 1u);
    try {
        c.reports.downloadReport(reports[0].reportDocumentId);
        FAIL() << "no error";
    } catch (const DownloadError& e) {
        EXPECT_EQ(e.httpStatus(), 0);
        EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
    }
}

TEST(ReportsClient, AdoptsTheAnnouncedRateAndSpacesCalls) {
    TempFolder folder;
    for (int i = 0; i < 4; ++i) writeBytes(folder.file(std::to_string(i) + ".txt"), v2Settlement(std::to_string(70000000010 + i), "S"));
    AmazonSim sim({"--reports-dir", folder.path().string(), "--page-size-cap", "1", "--rate", "getReports=0.0222:10"});
    SpApiConfig config = spApiConfig(sim);
    config.getReportsLimit = {1000.0, 2};  // a burst of two, then the rate Amazon announces
    Client c(sim, config);
    EXPECT_EQ(c.reports.listSettlementReports(c.clock.wallNow() - 24h).size(), 4u);
    EXPECT_DOUBLE_EQ(c.reports.rateLimiter().limit("getReports")->perSecond, 0.0222);
    // Pages 3 and 4 waited for a token: about 45 s each on the fake clock.
    const auto sleeps = c.clock.sleeps();
    ASSERT_EQ(sleeps.size(), 2u);
    for (const auto s : sleeps) EXPECT_NEAR(static_cast<double>(s.count()), 45045.0, 50.0);
}

TEST(ReportsClient, CreatedSinceIsKeptWithinNinetyDays) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    // The simulator, like Amazon, refuses createdSince more than 90 days back.
    EXPECT_EQ(c.reports.listSettlementReports(c.clock.wallNow() - std::chrono::hours(24 * 200)).size(), 1u);
    const auto q = queryOf(sim.requests("getReports").front());
    const auto since = settlebridge::common::parseDateTime(q.at("createdSince"));
    ASSERT_TRUE(since.has_value());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(c.clock.wallNow().time_since_epoch()).count();
    EXPECT_LT(now - *since, 90 * 24 * 3600);
    EXPECT_GT(now - *since, 89 * 24 * 3600);

    ReportsQuery query;
    query.createdSince = c.clock.wallNow() - std::chrono::hours(24 * 100);
    try {
        c.reports.getReports(query);  // the raw call is not clamped: Amazon's error comes back typed
        FAIL() << "no error";
    } catch (const SpApiError& e) {
        EXPECT_EQ(e.httpStatus(), 400);
        EXPECT_EQ(e.code(), "InvalidInput");
    }
    query.pageSize = 0;
    EXPECT_THROW(c.reports.getReports(query), ConfigError);
}

TEST(ReportsClient, RefusesPlainHttpToAmazonAndStopsWhenAsked) {
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    AmazonSim sim(simArgs(folder));
    {
        SpApiConfig config = spApiConfig(sim);
        config.endpoint = "http://sellingpartnerapi-na.amazon.com";
        Client c(sim, config);
        EXPECT_THROW(c.reports.listSettlementReports(c.clock.wallNow() - 24h), ConfigError);
    }
    {
        std::stop_source stop;
        stop.request_stop();
        SpApiConfig config = spApiConfig(sim);
        config.stop = stop.get_token();
        Client c(sim, config);
        EXPECT_THROW(c.reports.listSettlementReports(c.clock.wallNow() - 24h), CancelledError);
        EXPECT_EQ(sim.count("getReports"), 0);
    }
    {
        SpApiConfig config = spApiConfig(sim);
        config.userAgent = std::string(501, 'x');
        EXPECT_THROW(Client(sim, config), ConfigError);
    }
}

TEST(ReportsClient, ADocumentThatIsNotASettlementIsStillListedAndDownloaded) {
    // What to do with it is the sync's business (keep it, mark it failed); the client hands over the bytes.
    TempFolder folder;
    writeBytes(folder.file("a.txt"), v2Settlement("70000000001", "SKU-A"));
    writeBytes(folder.file("junk.txt"), "this is not a settlement report\n");
    AmazonSim sim(simArgs(folder));
    Client c(sim);
    const auto reports = c.reports.listSettlementReports(c.clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 2u);
    int junk = 0;
    for (const auto& r : reports) {
        const std::string bytes = c.reports.downloadReport(r.reportDocumentId);
        if (bytes == "this is not a settlement report\n") {
            ++junk;
            EXPECT_THROW(parse(bytes), settlebridge::settlement::ParseError);
        } else {
            EXPECT_EQ(parse(bytes).header.settlementId, "70000000001");
        }
    }
    EXPECT_EQ(junk, 1);
}
