// The admin API's queue, settings, Web Connector, home and log routes, over real HTTP.
#include <gtest/gtest.h>

#include "daemon/store/sellercloud_connections.hpp"

#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/amazon_connections.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;
using settlebridge::testing::makeReport;
namespace store = settlebridge::store;

TEST(QueueApi, ApproveMovesHeldDocumentsToQueued) {
    AdminHarness h;
    h.setup();
    h.import(makeReport("22000000002", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC"));
    auto r = h.get(h.companyPath("/queue"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("mode"), "testing");
    EXPECT_EQ(r.json()->getObject("counts")->getValue<int>("held"), 1);
    auto doc = r.json()->getArray("documents")->getObject(0);
    EXPECT_EQ(doc->getValue<std::string>("state"), "held");
    EXPECT_TRUE(doc->getValue<bool>("can_approve"));
    EXPECT_NE(doc->getValue<std::string>("explanation").find("Testing mode"), std::string::npos);

    r = h.post(h.companyPath("/approve"), R"({"settlement_id":"22000000002"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("queued"), 1);
    r = h.get(h.companyPath("/queue?state=queued"));
    EXPECT_EQ(r.json()->getArray("documents")->size(), 1U);

    r = h.post(h.companyPath("/approve"), R"({"settlement_id":"22000000002"})");
    EXPECT_EQ(r.status, 409) << "nothing is held any more";
    r = h.post(h.companyPath("/approve"), R"({})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "settlement_id");
    EXPECT_EQ(h.get(h.companyPath("/queue?state=lost")).status, 400);
}

TEST(QueueApi, RetryQueuesAFailedDocumentAndShowsQuickBooksWords) {
    AdminHarness h;
    h.setup();
    h.import(makeReport("22000000002", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC"));
    const auto id = h.store->write([&](store::Tx& tx) {
        auto d = tx.documents().list(h.company.id).front();
        d.state = store::DocState::Failed;
        d.qbStatusCode = 3140;
        d.qbStatusMessage = "There is an invalid reference to QuickBooks Item \"SKU-1\" in the SalesReceipt.";
        tx.documents().save(d);
        return d.id;
    });
    auto r = h.get(h.companyPath("/queue"));
    auto doc = r.json()->getArray("documents")->getObject(0);
    EXPECT_EQ(doc->getValue<int>("qb_status_code"), 3140);
    EXPECT_TRUE(doc->getValue<bool>("can_retry"));
    EXPECT_NE(doc->getValue<std::string>("explanation").find("3140"), std::string::npos);

    r = h.post("/api/documents/" + std::to_string(id) + "/retry");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("state"), "queued");
    r = h.post("/api/documents/" + std::to_string(id) + "/retry");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.error().find("only a failed document"), std::string::npos);
    EXPECT_EQ(h.post("/api/documents/99999/retry").status, 404);
}

TEST(QueueApi, TestingToLiveSwitch) {
    AdminHarness h;
    h.setup();
    auto r = h.post(h.companyPath("/mode"), R"({"mode":"live"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("mode"), "live");
    const auto company = h.store->read([&](store::Tx& tx) { return *tx.companies().find(h.company.id); });
    EXPECT_EQ(company.mode, store::CompanyMode::Live);
    EXPECT_EQ(company.liveSince, h.now.load());
    // New documents are queued directly now.
    h.import(makeReport("22000000002", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC"));
    EXPECT_EQ(h.get(h.companyPath("/queue")).json()->getObject("counts")->getValue<int>("queued"), 1);

    r = h.post(h.companyPath("/mode"), R"({"mode":"paused"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error(), "mode must be testing or live");
    EXPECT_EQ(h.post(h.companyPath("/mode"), R"({"mode":"testing"})").json()->getValue<std::string>("mode"), "testing");
}

TEST(SettingsApi, DefaultsAndBadValuesWithClearMessages) {
    AdminHarness h;
    h.setup();
    auto r = h.get(h.companyPath("/settings"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("download_window_days"), 30);
    EXPECT_EQ(r.json()->getValue<int>("sync_every_hours"), 6);
    EXPECT_EQ(r.json()->getValue<std::string>("customer_name"), "Amazon Summary");
    EXPECT_FALSE(r.json()->getValue<bool>("split_months"));
    EXPECT_GT(r.json()->getArray("categories")->size(), 30U);

    r = h.put(h.companyPath("/settings"),
              R"({"download_window_days":91,"time_zone":"Mars/Olympus","customer_name":"","qbxml_version":"12.0",
                  "run_every_minutes":"often"})");
    ASSERT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "download_window_days");
    EXPECT_NE(r.error().find("from 1 to 90"), std::string::npos);
    const auto errors = r.json()->getArray("errors");
    std::set<std::string> fields;
    for (std::size_t i = 0; i < errors->size(); ++i) fields.insert(errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("field"));
    EXPECT_EQ(fields, (std::set<std::string>{"download_window_days", "run_every_minutes", "customer_name", "time_zone",
                                             "qbxml_version"}));
    EXPECT_EQ(h.put(h.companyPath("/settings"), R"({"download_window_days":0})").status, 400);
    // Nothing was saved.
    EXPECT_EQ(h.get(h.companyPath("/settings")).json()->getValue<int>("download_window_days"), 30);
}

TEST(SettingsApi, SavesAndAppliesToConnectionsAndTheMapping) {
    AdminHarness h;
    h.setup();
    h.store->write([&](store::Tx& tx) {
        store::AmazonConnection c;
        c.companyId = h.company.id;
        c.name = "US seller";
        store::AmazonConnections(tx.database()).create(c, h.now);
    });
    auto r = h.put(h.companyPath("/settings"), R"({
        "download_window_days": 60, "sync_every_hours": 12, "run_every_minutes": 30, "auto_live_days": 0,
        "customer_name": "Amazon US", "time_zone": "America/New_York", "split_months": true, "qbxml_version": "13.0",
        "categories": [{"key":"commission","item":"Amazon Fees:Referral","account":""},
                       {"key":"fee-tax","item":"","account":"GST/HST Payable"}],
        "customers": [{"match":"CAD","customer":"Amazon Canada"}],
        "mapping_extra": "rule\tother-transaction\tother-transaction\tBrand Registry Fee\taccount-fees\n"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("download_window_days"), 60);
    EXPECT_EQ(r.json()->getValue<std::string>("mapping_version"), "builtin-2+admin-1");

    const auto saved = h.store->read([&](store::Tx& tx) {
        return std::make_tuple(store::CompanyOptionsRepo(tx.database()).get(h.company.id),
                               store::AmazonConnections(tx.database()).list(h.company.id).front(),
                               *tx.companies().find(h.company.id),
                               tx.companies().categoryAccount(h.company.id, "fee-tax"));
    });
    const auto& [options, connection, company, feeTax] = saved;
    EXPECT_TRUE(options.splitMonths);
    EXPECT_EQ(options.downloadWindowDays, 60);
    EXPECT_EQ(connection.downloadWindowDays, 60);
    EXPECT_EQ(connection.syncEveryMinutes, 720);
    EXPECT_EQ(company.customerName, "Amazon US");
    EXPECT_EQ(company.runEveryMinutes, 30);
    EXPECT_EQ(company.autoLiveDays, 0);
    ASSERT_TRUE(feeTax);
    EXPECT_EQ(feeTax->account, "GST/HST Payable");
    EXPECT_EQ(options.mappingText,
              "version admin-1\nitem commission\tAmazon Fees:Referral\naccount fee-tax\tGST/HST Payable\n"
              "customer CAD\tAmazon Canada\n"
              "rule\tother-transaction\tother-transaction\tBrand Registry Fee\taccount-fees\n");
    const auto mapping = settlebridge::settlement::Mapping::parse(options.mappingText, "m");
    ASSERT_NE(mapping.itemFor("commission"), nullptr);
    EXPECT_EQ(*mapping.itemFor("commission"), "Amazon Fees:Referral");

    // Read back as the page shows it; saving the same again keeps the revision.
    r = h.get(h.companyPath("/settings"));
    const auto cats = r.json()->getArray("categories");
    bool found = false;
    for (std::size_t i = 0; i < cats->size(); ++i) {
        auto c = cats->getObject(static_cast<unsigned>(i));
        if (c->getValue<std::string>("key") == "commission") {
            found = true;
            EXPECT_EQ(c->getValue<std::string>("item"), "Amazon Fees:Referral");
        }
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(r.json()->getArray("customers")->getObject(0)->getValue<std::string>("customer"), "Amazon Canada");
    r = h.put(h.companyPath("/settings"), R"({"categories": [{"key":"commission","item":"Amazon Fees:Referral"},
        {"key":"fee-tax","account":"GST/HST Payable"}]})");
    EXPECT_EQ(r.json()->getValue<std::string>("mapping_version"), "builtin-2+admin-1");
}

TEST(SettingsApi, MappingMistakesNameTheField) {
    AdminHarness h;
    h.setup();
    auto r = h.put(h.companyPath("/settings"),
                   R"({"categories":[{"key":"commission","item":"A name that is far too long for QuickBooks items"}]})");
    ASSERT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "categories.commission.item");
    r = h.put(h.companyPath("/settings"), R"({"categories":[{"key":"no-such-category","item":"X"}]})");
    ASSERT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("is not a category"), std::string::npos);
    r = h.put(h.companyPath("/settings"), R"({"mapping_extra":"rule\tOrder\tItemFees\n"})");
    ASSERT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "mapping_extra");
    EXPECT_NE(r.error().find("line 1 of the mapping rules"), std::string::npos);
    r = h.put(h.companyPath("/settings"), R"({"customers":[{"match":"CAD","customer":"A"},{"match":"CAD","customer":"B"}]})");
    ASSERT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("two customers"), std::string::npos);
}

TEST(SettingsApi, AnAccountQuickBooksHasAsReceivablesIsRefusedForAnItem) {
    AdminHarness h;
    h.setup();
    // QuickBooks told Settlebridge (an AccountQuery answer) that this account is Accounts Receivable.
    h.store->write([&](store::Tx& tx) {
        tx.lists().remember(h.company.id, store::ListKind::Account,
                            store::QbListEntry{"Accounts Receivable", "80000002-1", "AccountsReceivable", settlebridge::testing::kAdminT0});
    });
    auto r = h.put(h.companyPath("/settings"), R"({"categories":[{"key":"commission","account":"accounts receivable"}]})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "categories.commission.account");
    EXPECT_NE(r.error().find("the account \"Accounts Receivable\" is an Accounts Receivable account in QuickBooks; an "
                             "item's account is any account but Accounts Receivable, Accounts Payable and non-posting"),
              std::string::npos)
        << r.error();
    r = h.put(h.companyPath("/settings"), R"({"mapping_extra":"account\tcommission\tAccounts Receivable\n"})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "mapping_extra");
    // Nothing was saved; an account of a type an item takes is.
    r = h.put(h.companyPath("/settings"), R"({"categories":[{"key":"commission","account":"Selling Fees"}]})");
    EXPECT_EQ(r.status, 200) << r.body;
}

// Issue 15: the page refuses, like the CLI (one check, Mapping::parse), a mapping that would book a carried balance in
// one account and its collection in another; and it saves the tax registration and the transfer.
TEST(SettingsApi, CarriedBalancesTaxRegistrationAndTransfer) {
    AdminHarness h;
    h.setup();
    auto r = h.put(h.companyPath("/settings"), R"({"categories":[{"key":"card-charge","account":"Visa 1234"}]})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "categories");
    EXPECT_NE(r.error().find("must all post to the same account"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("never returns to zero"), std::string::npos) << r.error();
    r = h.put(h.companyPath("/settings"),
              R"({"mapping_extra":"rule\t*\t*\tPayable to Amazon\taccount-fees\n"})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "mapping_extra");
    EXPECT_NE(r.error().find("Payable to Amazon"), std::string::npos) << r.error();
    r = h.put(h.companyPath("/settings"), R"({"post_transfer": true})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "bank_account");
    r = h.put(h.companyPath("/settings"), R"({"bank_account": "Amazon Clearing", "post_transfer": true})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.error().find("must not be the clearing account"), std::string::npos) << r.error();
    EXPECT_EQ(r.json()->getArray("errors")->size(), 1U);

    // All five renamed together, registered, transfer on: saved.
    r = h.put(h.companyPath("/settings"), R"({"tax_registered": true, "bank_account": "Checking", "post_transfer": true,
        "categories": [{"key":"payable-to-amazon","account":"Amazon Owed"},{"key":"card-charge","account":"Amazon Owed"},
                       {"key":"carried-balance","account":"Amazon Owed"},{"key":"failed-disbursement","account":"Amazon Owed"},
                       {"key":"micro-deposit","account":"Amazon Owed"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()->getValue<bool>("tax_registered"));
    EXPECT_TRUE(r.json()->getValue<bool>("post_transfer"));
    EXPECT_EQ(r.json()->getValue<std::string>("bank_account"), "Checking");
    const auto saved = h.store->read([&](store::Tx& tx) {
        return std::make_tuple(store::CompanyOptionsRepo(tx.database()).get(h.company.id),
                               *tx.companies().find(h.company.id),
                               tx.companies().categoryAccount(h.company.id, "payable-to-amazon"));
    });
    const auto& [options, company, payable] = saved;
    EXPECT_TRUE(options.taxRegistered);
    EXPECT_TRUE(company.postTransfer);
    EXPECT_EQ(company.bankAccount, "Checking");
    ASSERT_TRUE(payable);
    EXPECT_EQ(payable->account, "Amazon Owed");
    bool marked = false;
    const auto cats = r.json()->getArray("categories");
    for (std::size_t i = 0; i < cats->size(); ++i) {
        auto c = cats->getObject(static_cast<unsigned>(i));
        if (c->getValue<std::string>("key") == "micro-deposit") marked = c->getValue<bool>("carried_balance");
    }
    EXPECT_TRUE(marked);

    // The tax report of a company without settlements: empty, and a bad period is refused naming the field.
    r = h.get(h.companyPath("/tax-report?from=2026-01-01&to=2026-03-31"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()->getValue<bool>("tax_registered"));
    EXPECT_EQ(r.json()->getArray("settlements")->size(), 0U);
    r = h.get(h.companyPath("/tax-report?from=2026-04-01&to=2026-03-31"));
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "from");
}

TEST(WebConnectorApi, QwcDownloadAndRefusedUrls) {
    AdminHarness h;
    h.setup();
    auto r = h.get(h.companyPath("/qwc"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.at("Content-Disposition"), "attachment; filename=\"acme.qwc\"");
    EXPECT_NE(r.body.find("<AppURL>http://127.0.0.1:" + std::to_string(h.port) + "/qbwc</AppURL>"), std::string::npos);
    EXPECT_NE(r.body.find("<UserName>acme</UserName>"), std::string::npos);
    EXPECT_NE(r.body.find(h.company.ownerId), std::string::npos);

    r = h.get(h.companyPath("/qwc?url=https%3A%2F%2Fbooks.example.com%3A8443%2Fqbwc"));
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<AppURL>https://books.example.com:8443/qbwc</AppURL>"), std::string::npos);
    r = h.get(h.companyPath("/qwc?url=http%3A%2F%2Fbooks.example.com%2Fqbwc"));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("only accepts plain http for localhost"), std::string::npos);

    r = h.get(h.companyPath("/sessions"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()->getArray("sessions")->size(), 0U);
}

TEST(HomeApi, CompaniesConnectionsAndSyncNow) {
    AdminHarness h;
    h.setup();
    h.store->write([&](store::Tx& tx) {
        store::AmazonConnections amazon(tx.database());
        store::AmazonConnection c;
        c.companyId = h.company.id;
        c.name = "US seller";
        c = amazon.create(c, h.now);
        c.syncState = store::SyncState::Error;
        c.syncMessage = "the refresh token was revoked";
        amazon.update(c, h.now);
    });
    auto r = h.get("/api/home");
    ASSERT_EQ(r.status, 200) << r.body;
    auto company = r.json()->getArray("companies")->getObject(0);
    EXPECT_EQ(company->getValue<std::string>("name"), "acme");
    auto connection = company->getArray("connections")->getObject(0);
    EXPECT_EQ(connection->getValue<std::string>("name"), "US seller");
    EXPECT_EQ(connection->getObject("sync")->getValue<std::string>("state"), "error");
    EXPECT_EQ(connection->getObject("sync")->getValue<std::string>("message"), "the refresh token was revoked");

    r = h.post(h.companyPath("/sync"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("requested"), 1);
    EXPECT_TRUE(h.store->read([&](store::Tx& tx) {
        return store::AmazonConnections(tx.database()).list(h.company.id).front().syncRequested;
    }));

    const std::string id = std::to_string(connection->getValue<std::int64_t>("id"));
    r = h.put("/api/amazon/" + id, R"({"name":"Main seller"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("name"), "Main seller");
    r = h.put("/api/amazon/" + id, R"({"name":""})");
    EXPECT_EQ(r.status, 400);
}

TEST(HomeApi, TheSellercloudConnectionIsListedWithItsStateAndSendNow) {
    AdminHarness h;
    h.setup();
    const std::int64_t id = h.store->write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        store::SellercloudConnection c;
        c.companyId = h.company.id;
        c.teamName = "acme-team";
        c.username = "api-user";
        c = connections.create(c, h.now);
        c.syncState = store::SyncState::Ok;
        c.syncMessage = "3 products written";
        connections.update(c, h.now);
        return c.id;
    });
    auto r = h.get("/api/home");
    ASSERT_EQ(r.status, 200) << r.body;
    auto connections = r.json()->getArray("companies")->getObject(0)->getArray("connections");
    ASSERT_EQ(connections->size(), 1U);
    auto connection = connections->getObject(0);
    EXPECT_EQ(connection->getValue<std::string>("kind"), "sellercloud");
    EXPECT_EQ(connection->getValue<std::string>("name"), "acme-team");
    EXPECT_EQ(connection->getObject("sync")->getValue<std::string>("message"), "3 products written");

    r = h.post("/api/sellercloud/" + std::to_string(id) + "/sync");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(h.store->read([&](store::Tx& tx) {
        return store::SellercloudConnections(tx.database()).find(id)->syncRequested;
    }));
    EXPECT_EQ(h.post("/api/sellercloud/999/sync").status, 404);
    r = h.post(h.companyPath("/sync"));
    EXPECT_EQ(r.json()->getValue<int>("requested"), 1) << "the company's Send now reaches Sellercloud too";
}

TEST(LogsApi, FiltersByCompanyLevelAndText) {
    AdminHarness h;
    h.setup();
    h.store->write([&](store::Tx& tx) {
        tx.events().add(h.now, h.company.id, store::EventLevel::Info, "synced 2 reports");
        tx.events().add(h.now, h.company.id, store::EventLevel::Error, "QuickBooks refused AYU766DR0");
        tx.events().add(h.now, std::nullopt, store::EventLevel::Warning, "disk almost full");
    });
    auto events = h.get("/api/events?level=error").json()->getArray("events");
    ASSERT_EQ(events->size(), 1U);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("company"), "acme");
    events = h.get("/api/events?company=" + std::to_string(h.company.id) + "&q=SYNCED").json()->getArray("events");
    ASSERT_EQ(events->size(), 1U);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("message"), "synced 2 reports");
    events = h.get("/api/events?level=warning").json()->getArray("events");
    EXPECT_EQ(events->size(), 2U);
    EXPECT_EQ(h.get("/api/events?level=loud").status, 400);
    const auto page = h.get("/api/events?limit=1").json();
    EXPECT_TRUE(page->getValue<bool>("more"));
    const auto older = h.get("/api/events?limit=1&before=" + std::to_string(page->getValue<std::int64_t>("next_before")));
    EXPECT_NE(older.json()->getArray("events")->getObject(0)->getValue<std::int64_t>("id"),
              page->getArray("events")->getObject(0)->getValue<std::int64_t>("id"));
}
