// The Sellercloud repositories (schema version 4): the sealed password, mapping saves and requests, links, the
// send log round trip.

#include <gtest/gtest.h>

#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "daemon/store/database.hpp"
#include "tests/unit/sellercloud/sim.hpp"

using namespace settlebridge;
using namespace settlebridge::store;

TEST(SellercloudStore, PasswordIsSealedAndBoundToItsRow) {
    sctest::TempFolder folder;
    Store store(folder.file("db"));
    const SecretBox box = SecretBox::fromKey(std::string(32, 'x'));
    std::int64_t id = 0;
    store.write([&](Tx& tx) {
        Company company;
        company.name = "acme";
        const auto companyId = tx.companies().create(company, "pw", 1, 1000).id;
        SellercloudConnections connections(tx.database());
        SellercloudConnection c;
        c.companyId = companyId;
        c.serverId = "tt";
        c.username = "api";
        id = connections.create(c, 1).id;
        EXPECT_THROW(connections.create(c, 1), StoreError);  // one per company
        EXPECT_THROW(connections.password(id, box), StoreError);
        connections.setPassword(id, box, "s3cret pass", 2);
        EXPECT_EQ(connections.password(id, box), "s3cret pass");
        EXPECT_TRUE(connections.find(id)->hasPassword);
        auto q = tx.database().query("SELECT password FROM sellercloud_connections WHERE id = ?1");
        q.bind(1, id);
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.getBlob(0).find("s3cret"), std::string::npos);
        EXPECT_THROW(SecretBox::fromKey(std::string(32, 'y')).open(q.getBlob(0), "sellercloud_connections:1:password"),
                     SecretError);

        SellercloudConnection bad = *connections.find(id);
        bad.columns.spend7d = "a,b";
        EXPECT_THROW(connections.update(bad, 3), StoreError);
        bad = *connections.find(id);
        bad.sendHour = 24;
        EXPECT_THROW(connections.update(bad, 3), StoreError);
        EXPECT_EQ(joinList(splitList(" sku , upc,,asin ")), "sku,upc,asin");
    });
}

TEST(SellercloudStore, MappingsRequestsLinksAndTheLog) {
    sctest::SellercloudSim sim;
    sctest::PushWorld w(sim);
    w.store().write([&](Tx& tx) {
        SellercloudMappings mappings(tx.database());
        SellercloudMapping m;
        m.profileRow = w.profileRow;
        m.connectionId = w.connectionId;
        m.scCompanyId = 1;
        m.adProducts = {"SP", "SB", "WALMART"};
        m.channels = {"amazon"};
        const auto saved = mappings.save(m, 5);
        EXPECT_EQ(saved.effectiveAdProducts(), (std::vector<std::string>{"SP", "SB"}));
        mappings.setLastSentDate(saved.id, "2026-05-19", 6);
        m.adProducts = {"SP"};
        EXPECT_EQ(mappings.save(m, 7).lastSentDate, "2026-05-19");  // same company: kept
        m.scCompanyId = 2;
        EXPECT_EQ(mappings.save(m, 8).lastSentDate, "");  // another company: reset
        m.adProducts = {"TV"};
        EXPECT_THROW(mappings.save(m, 9), StoreError);
        EXPECT_THROW(mappings.requestDays(saved.id, 96, 9), StoreError);
        mappings.requestDays(saved.id, 30, 9);
        EXPECT_EQ(mappings.find(saved.id)->requestedDays, 30);
        mappings.requestDays(saved.id, 0, 10);
        EXPECT_EQ(mappings.find(saved.id)->requestedDays, 0);

        SellercloudProducts products(tx.database());
        products.saveLink(w.connectionId, 1, {"SKU-A", "P1", "sku", 425, 11});
        products.saveLink(w.connectionId, 1, {"SKU-B", "P2", "manual", std::nullopt, 11});
        EXPECT_EQ(products.link(w.connectionId, 1, "SKU-A")->itemCost.value(), 425);
        EXPECT_FALSE(products.link(w.connectionId, 2, "SKU-A"));
        EXPECT_EQ(products.dropLinks(w.connectionId), 1);  // manual links stay
        EXPECT_EQ(products.links(w.connectionId, 1).size(), 1u);

        SellercloudSends sends(tx.database());
        SellercloudSend s;
        s.connectionId = w.connectionId;
        s.scCompanyId = 1;
        s.profileRows = "7," + std::to_string(w.profileRow);
        s.kind = SendKind::Manual;
        s.startedAt = 12;
        s.id = sends.start(s);
        EXPECT_EQ(sends.find(s.id)->status, SendStatus::Running);
        s.status = SendStatus::Partial;
        s.written = 1;
        SellercloudSendRecord r;
        r.sku = "SKU-A";
        r.productId = "P1";
        r.cost = 1234;
        r.itemCost = 425;
        r.profit = -9;
        r.status = RecordStatus::Written;
        sends.finish(s, {r});
        const auto records = sends.records(s.id);
        ASSERT_EQ(records.size(), 1u);
        EXPECT_EQ(records[0].profit.value(), -9);
        EXPECT_TRUE(sends.hasWritten(w.connectionId, 1, w.profileRow));
        EXPECT_FALSE(sends.hasWritten(w.connectionId, 1, w.profileRow + 100));
        EXPECT_EQ(sends.recent(w.connectionId, 5).front().status, SendStatus::Partial);
    });
}
