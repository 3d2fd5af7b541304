// The logs' filters run in SQL with LIMIT/OFFSET: a match older than the newest 5,000 rows is found, in the event
// log (company, level, text, time range) and in the Sellercloud send log (status, kind, profile, text, time range)
// and its records; paging by offset and by id; bad parameters refused with the parameter named.
#include <gtest/gtest.h>

#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;
using settlebridge::testing::kAdminT0;
namespace store = settlebridge::store;

namespace {

constexpr int kNewer = 5'100;                          // more than the 5,000 rows the old filters looked through
constexpr store::Timestamp kOld = kAdminT0 - 10 * 86'400;  // when the one old match happened

std::vector<std::int64_t> ids(const Poco::JSON::Array::Ptr& list) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < list->size(); ++i) out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
    return out;
}

std::string window(store::Timestamp since, store::Timestamp until) {
    return "since=" + std::to_string(since) + "&until=" + std::to_string(until);
}

}  // namespace

TEST(LogQueries, EventFiltersFindAMatchOlderThanTheNewest5000Events) {
    AdminHarness h;
    h.setup();
    const std::int64_t oldest = h.store->write([&](store::Tx& tx) {
        tx.events().add(kOld, h.company.id, store::EventLevel::Error, "QuickBooks refused the NEEDLE receipt");
        const std::int64_t id = tx.events().recent(std::nullopt, 1).front().id;
        for (int i = 0; i < kNewer; ++i) {  // half of them the company's
            tx.events().add(kAdminT0 + i, i % 2 == 0 ? std::optional<std::int64_t>(h.company.id) : std::nullopt,
                            store::EventLevel::Info, "routine sync " + std::to_string(i));
        }
        return id;
    });
    constexpr int kCompanyNewer = kNewer / 2;
    const std::string company = "company=" + std::to_string(h.company.id);

    for (const std::string& query : std::vector<std::string>{"q=needle", "level=error", company + "&q=NEEDLE&level=warning",
                                    window(kOld, kOld + 1), company + "&" + window(kOld - 86'400, kAdminT0)}) {
        const auto r = h.get("/api/events?" + query);
        ASSERT_EQ(r.status, 200) << query << ": " << r.body;
        EXPECT_EQ(ids(r.json()->getArray("events")), std::vector<std::int64_t>{oldest}) << query;
        EXPECT_FALSE(r.json()->getValue<bool>("more")) << query;
    }
    EXPECT_EQ(h.get("/api/events?q=needle&since=" + std::to_string(kOld + 1)).json()->getArray("events")->size(), 0U);

    // Paging in SQL: by offset, and by id; "more" is exact.
    auto r = h.get("/api/events?" + company + "&limit=100&offset=" + std::to_string(kCompanyNewer));  // past the newer
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids(r.json()->getArray("events")), std::vector<std::int64_t>{oldest});
    EXPECT_FALSE(r.json()->getValue<bool>("more"));
    r = h.get("/api/events?" + company + "&limit=100&offset=" + std::to_string(kCompanyNewer - 100));
    EXPECT_EQ(r.json()->getArray("events")->size(), 100U);
    EXPECT_TRUE(r.json()->getValue<bool>("more"));
    EXPECT_EQ(r.json()->getValue<int>("next_offset"), kCompanyNewer);
    r = h.get("/api/events?" + company + "&limit=2500");
    ASSERT_EQ(r.status, 400) << "at most 500 at once";
    r = h.get("/api/events?" + company + "&limit=500");
    const std::int64_t next = r.json()->getValue<std::int64_t>("next_before");
    EXPECT_EQ(next, ids(r.json()->getArray("events")).back());
    EXPECT_LT(ids(h.get("/api/events?" + company + "&limit=500&before=" + std::to_string(next)).json()->getArray("events")).front(),
              next);

    EXPECT_EQ(h.get("/api/events?since=yesterday").json()->getValue<std::string>("field"), "since");
    EXPECT_EQ(h.get("/api/events?" + window(kAdminT0, kAdminT0)).json()->getValue<std::string>("field"), "since");
    EXPECT_EQ(h.get("/api/events?offset=-1").json()->getValue<std::string>("field"), "offset");
    EXPECT_EQ(h.get("/api/events?before=x").json()->getValue<std::string>("field"), "before");
}

TEST(LogQueries, SendLogFiltersFindAMatchOlderThanTheNewest5000Sends) {
    AdminHarness h;
    h.setup();
    struct Made {
        std::int64_t connection = 0;
        std::int64_t oldSend = 0;
    };
    const Made made = h.store->write([&](store::Tx& tx) {
        Made m;
        store::SellercloudConnection c;
        c.companyId = h.company.id;
        c.teamName = "acme";
        c.username = "api-user";
        m.connection = store::SellercloudConnections(tx.database()).create(c, kOld).id;
        store::SellercloudSends sends(tx.database());
        auto add = [&](store::Timestamp at, store::SendKind kind, store::SendStatus status, const std::string& rows,
                       const std::string& message, int records) {
            store::SellercloudSend s;
            s.connectionId = m.connection;
            s.scCompanyId = 1;
            s.scCompanyName = "Acme Main";
            s.profileRows = rows;
            s.profiles = "Acme US";
            s.kind = kind;
            s.fromDate = "2026-01-01";
            s.toDate = "2026-01-01";
            s.currency = "USD";
            s.startedAt = at;
            s.id = sends.start(s);
            s.status = status;
            s.message = message;
            std::vector<store::SellercloudSendRecord> list;
            for (int i = 0; i < records; ++i) {
                store::SellercloudSendRecord r;
                r.seq = i + 1;
                r.sku = "SKU-" + std::to_string(i);
                r.status = i % 10 == 0 ? store::RecordStatus::Unmatched : store::RecordStatus::Written;
                r.productId = r.status == store::RecordStatus::Written ? "P-" + std::to_string(i) : "";
                r.error = r.status == store::RecordStatus::Unmatched ? "no product has this SKU" : "";
                list.push_back(r);
            }
            s.records = records;
            s.finishedAt = at;
            sends.finish(s, list);
            return s.id;
        };
        m.oldSend = add(kOld, store::SendKind::Manual, store::SendStatus::Failed, "7,12", "Sellercloud NEEDLE down", 250);
        for (int i = 0; i < kNewer; ++i) add(kAdminT0 + i, store::SendKind::Daily, store::SendStatus::Ok, "12", "1 SKU written", 0);
        return m;
    });
    const std::string base = "/api/sellercloud/" + std::to_string(made.connection) + "/sends?";

    for (const std::string& query : std::vector<std::string>{"status=failed", "kind=manual", "profile=7", "q=needle", "q=NEEDLE&profile=12&kind=manual",
                                    window(kOld, kOld + 1), "status=failed&" + window(kOld - 86'400, kAdminT0)}) {
        const auto r = h.get(base + query);
        ASSERT_EQ(r.status, 200) << query << ": " << r.body;
        EXPECT_EQ(ids(r.json()->getArray("sends")), std::vector<std::int64_t>{made.oldSend}) << query;
        EXPECT_FALSE(r.json()->getValue<bool>("more")) << query;
    }
    EXPECT_EQ(h.get(base + "profile=1").json()->getArray("sends")->size(), 0U) << "7 and 12 are not 1";
    auto r = h.get(base + "limit=200&offset=" + std::to_string(kNewer));
    EXPECT_EQ(ids(r.json()->getArray("sends")), std::vector<std::int64_t>{made.oldSend});
    r = h.get(base + "profile=12&limit=200");
    EXPECT_EQ(r.json()->getArray("sends")->size(), 200U);
    EXPECT_TRUE(r.json()->getValue<bool>("more"));
    EXPECT_EQ(r.json()->getValue<int>("next_offset"), 200);
    EXPECT_EQ(h.get(base + "limit=201").status, 400);
    EXPECT_EQ(h.get(base + "profile=x").json()->getValue<std::string>("field"), "profile");
    EXPECT_EQ(h.get(base + "status=bogus").status, 400);

    // The records of a send: filtered, counted and paged in SQL.
    const std::string send = "/api/sellercloud/sends/" + std::to_string(made.oldSend);
    r = h.get(send + "?status=unmatched&limit=10&offset=20");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("total"), 25);
    EXPECT_EQ(r.json()->getObject("counts")->getValue<int>("unmatched"), 25);
    EXPECT_EQ(r.json()->getObject("counts")->getValue<int>("written"), 225);
    EXPECT_EQ(r.json()->getObject("counts")->getValue<int>("failed"), 0);
    const auto records = r.json()->getArray("records");
    ASSERT_EQ(records->size(), 5U);
    EXPECT_EQ(records->getObject(0)->getValue<int>("seq"), 201);
    EXPECT_EQ(records->getObject(4)->getValue<std::string>("sku"), "SKU-240");
    r = h.get(send + "?q=p-24");
    EXPECT_EQ(r.json()->getValue<int>("total"), 10) << "P-24 and P-241..P-249 (SKU-240 is unmatched)";
    EXPECT_EQ(h.get(send + "?q=NO%20PRODUCT").json()->getValue<int>("total"), 25) << "the error text is searched";
    EXPECT_EQ(h.get(send + "?limit=0").json()->getValue<std::string>("field"), "limit");
}
