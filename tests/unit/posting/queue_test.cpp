#include "daemon/posting/queue.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "daemon/posting/document_builder.hpp"
#include "daemon/store/summary_codec.hpp"
#include "qbxml/guid.hpp"
#include "tests/unit/posting/posting_harness.hpp"

namespace settlebridge::posting {
namespace {

using settlebridge::testing::PostingHarness;
using settlebridge::testing::sampleSummary;
using store::CompanyMode;
using store::DocKind;
using store::DocState;

/// Every row of every table, as text: two equal dumps mean nothing changed.
std::string dumpDatabase(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    std::vector<std::string> tables;
    sqlite3_stmt* list = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &list, nullptr);
    while (sqlite3_step(list) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
    sqlite3_finalize(list);
    std::string out;
    for (const auto& table : tables) {
        out += "[" + table + "]\n";
        sqlite3_stmt* rows = nullptr;
        sqlite3_prepare_v2(db, ("SELECT * FROM " + table + " ORDER BY rowid").c_str(), -1, &rows, nullptr);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(rows); ++c) {
                const auto* text = sqlite3_column_text(rows, c);
                out += text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(rows, c)) : "NULL";
                out += '|';
            }
            out += '\n';
        }
        sqlite3_finalize(rows);
    }
    sqlite3_close(db);
    return out;
}

TEST(Queue, ImportBuildsReceiptCreditMemoAndRefund) {
    PostingHarness h;
    const auto summary = sampleSummary("23874396421", 2500);
    const ImportResult r = h.import(summary);
    EXPECT_EQ(r.outcome, ImportResult::Outcome::Imported);
    EXPECT_EQ(r.documents, 3);
    EXPECT_EQ(r.queued, 3);
    const auto docs = h.documents();
    ASSERT_EQ(docs.size(), 3U);
    EXPECT_EQ(docs[0].kind, DocKind::Receipt);
    EXPECT_EQ(docs[0].refNumber, summary.documents[0].refNumber);
    EXPECT_EQ(docs[0].externalKey, "23874396421:R:0");
    EXPECT_EQ(docs[0].externalGuid, qbxml::externalGuid("23874396421:R:0"));
    EXPECT_EQ(docs[0].expectedTotal, 12500);
    EXPECT_EQ(docs[0].txnDate, "2024-03-21");
    EXPECT_EQ(docs[0].customer, "Amazon Summary");
    EXPECT_EQ(docs[1].kind, DocKind::CreditMemo);
    EXPECT_EQ(docs[1].expectedTotal, 2500);
    EXPECT_EQ(docs[2].kind, DocKind::RefundPayment);
    EXPECT_EQ(docs[2].externalKey, "23874396421:P:0");
    ASSERT_EQ(docs[2].refNumber.size(), docs[1].refNumber.size());
    const std::size_t kind = docs[1].refNumber.size() - 1;  // stem, part, then the kind letter last
    EXPECT_EQ(docs[2].refNumber.substr(0, kind), docs[1].refNumber.substr(0, kind));
    EXPECT_EQ(docs[1].refNumber[kind], 'C');
    EXPECT_EQ(docs[2].refNumber[kind], 'P');
    EXPECT_EQ(docs[2].dependsOn, std::optional<std::int64_t>(docs[1].id));
    EXPECT_EQ(docs[2].expectedTotal, 2500);
    // The raw report and the summary are kept so the documents can be rebuilt.
    h.store->read([&](store::Tx& tx) {
        EXPECT_EQ(tx.settlements().rawDocument(r.settlementRow), "report of 23874396421");
        auto stored = tx.settlements().summary(r.settlementRow);
        ASSERT_TRUE(stored.has_value());
        EXPECT_EQ(stored->mappingVersion, "builtin-1");  // the sample summary's own
        EXPECT_EQ(store::decodeSummary(stored->summaryJson).documents.size(), 2U);
    });
}

TEST(Queue, ImportingTheSameReportTwiceChangesNothing) {
    PostingHarness h;
    const auto summary = sampleSummary();
    ASSERT_EQ(h.import(summary).outcome, ImportResult::Outcome::Imported);
    const std::string before = dumpDatabase(h.dir.file("settlebridge.db"));
    h.now += 3600;
    const ImportResult again = h.import(summary);
    EXPECT_EQ(again.outcome, ImportResult::Outcome::AlreadyImported);
    EXPECT_EQ(again.documents, 3);
    EXPECT_EQ(dumpDatabase(h.dir.file("settlebridge.db")), before);
}

TEST(Queue, AReissueBeforeAnythingWasSentReplacesTheEarlierReport) {
    PostingHarness h;
    auto summary = sampleSummary();
    const ImportResult first = h.import(summary, "original report");
    ASSERT_EQ(first.outcome, ImportResult::Outcome::Imported);
    summary.header.totalAmount += 100;  // Amazon corrected the deposit
    const ImportResult reissued = h.import(summary, "re-issued report with other bytes");
    EXPECT_EQ(reissued.outcome, ImportResult::Outcome::Replaced);
    EXPECT_EQ(reissued.documents, 3);
    const auto docs = h.documents();
    ASSERT_EQ(docs.size(), 3U) << "the earlier report's documents are gone, the new ones queued";
    for (const auto& d : docs) EXPECT_EQ(d.settlementRow, reissued.settlementRow);
    h.store->read([&](store::Tx& tx) {
        auto rows = tx.settlements().list(h.company.id);
        ASSERT_EQ(rows.size(), 2U);
        EXPECT_EQ(rows[0].state, store::SettlementState::Conflict);
        EXPECT_EQ(rows[0].supersededBy, reissued.settlementRow);
        EXPECT_NE(rows[0].note.find("Replaced by a re-issued report"), std::string::npos) << rows[0].note;
        EXPECT_NE(rows[0].note.find("difference 1.00"), std::string::npos) << rows[0].note;
        EXPECT_EQ(tx.settlements().rawDocument(rows[0].id), "original report") << "both versions are kept";
        EXPECT_EQ(rows[1].state, store::SettlementState::Active);
        EXPECT_EQ(tx.settlements().findActive(h.company.id, summary.header.settlementId)->id, reissued.settlementRow);
    });
    // The same re-issued bytes again change nothing.
    const std::string before = dumpDatabase(h.dir.file("settlebridge.db"));
    EXPECT_EQ(h.import(summary, "re-issued report with other bytes").outcome, ImportResult::Outcome::AlreadyImported);
    EXPECT_EQ(dumpDatabase(h.dir.file("settlebridge.db")), before);
}

TEST(Queue, AReissueAfterADocumentWasSentIsKeptForReviewNotQueued) {
    PostingHarness h;
    auto summary = sampleSummary();
    h.import(summary, "original report");
    // The first document went out to QuickBooks.
    h.store->write([&](store::Tx& tx) {
        auto docs = tx.documents().list(h.company.id);
        docs.front().state = DocState::Posted;
        docs.front().attempts = 1;
        docs.front().sentAt = h.now;
        docs.front().qbTxnId = "1A-1";
        tx.documents().save(docs.front());
    });
    summary.header.totalAmount -= 250;
    const ImportResult other = h.import(summary, "re-issued report with other bytes");
    EXPECT_EQ(other.outcome, ImportResult::Outcome::Conflict);
    EXPECT_EQ(other.documents, 0);
    EXPECT_EQ(h.documents().size(), 3U) << "nothing double-queued, nothing deleted";
    h.store->read([&](store::Tx& tx) {
        auto rows = tx.settlements().list(h.company.id);
        ASSERT_EQ(rows.size(), 2U);
        EXPECT_EQ(rows[0].state, store::SettlementState::Active);
        EXPECT_EQ(rows[1].state, store::SettlementState::Conflict);
        EXPECT_NE(rows[1].note.find("kept for review"), std::string::npos) << rows[1].note;
        EXPECT_NE(rows[1].note.find("difference -2.50"), std::string::npos) << rows[1].note;
        EXPECT_EQ(tx.settlements().rawDocument(rows[1].id), "re-issued report with other bytes");
    });
    // Importing the conflicting file again changes nothing either.
    const std::string before = dumpDatabase(h.dir.file("settlebridge.db"));
    EXPECT_EQ(h.import(summary, "re-issued report with other bytes").outcome, ImportResult::Outcome::Conflict);
    EXPECT_EQ(dumpDatabase(h.dir.file("settlebridge.db")), before);
}

TEST(Queue, TestingModeHoldsUntilApproved) {
    PostingHarness h(CompanyMode::Testing);
    const ImportResult r = h.import(sampleSummary("23874396421"));
    EXPECT_EQ(r.held, 3);
    for (const auto& d : h.documents()) {
        EXPECT_EQ(d.state, DocState::Held);
        EXPECT_EQ(d.holdReason, "testing");
    }
    EXPECT_THROW(h.queue->approve("acme", "999", h.now), QueueError);
    EXPECT_THROW(h.queue->approve("nobody", "23874396421", h.now), QueueError);
    EXPECT_EQ(h.queue->approve("acme", "23874396421", h.now), 3);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Queued);
    EXPECT_EQ(h.queue->approve("acme", "23874396421", h.now), 0);
}

TEST(Queue, UnreconciledSummaryIsHeldNotPostedSilently) {
    PostingHarness h;
    const ImportResult r = h.import(sampleSummary("23874396421", 2500, /*reconciled=*/false));
    EXPECT_EQ(r.held, 3);
    const auto docs = h.documents();
    EXPECT_EQ(docs[0].holdReason, "unreconciled");
    EXPECT_NE(docs[0].lastError.find("1.23"), std::string::npos) << docs[0].lastError;
}

TEST(Queue, RetryOnlyFailedDocuments) {
    PostingHarness h;
    h.import(sampleSummary());
    const auto docs = h.documents();
    EXPECT_THROW(h.queue->retry(docs[0].id, h.now), QueueError);
    EXPECT_THROW(h.queue->retry(424242, h.now), QueueError);
}

TEST(Queue, TransferWhenConfiguredAndSkuItemsFromTheStoredTable) {
    PostingHarness h;
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Checking";
    });
    h.store->write([&](store::Tx& tx) { tx.skuItems().assign(h.company.id, "SKU-ABC-001", "Widget (inventory)", h.now); });
    const auto summary = sampleSummary("23874396421", 0);
    const ImportResult r = h.import(summary);
    EXPECT_EQ(r.documents, 2);
    const auto docs = h.documents();
    ASSERT_EQ(docs.size(), 2U);
    EXPECT_EQ(docs[1].kind, DocKind::Transfer);
    EXPECT_EQ(docs[1].expectedTotal, summary.header.totalAmount);
    EXPECT_EQ(docs[1].txnDate, "2024-03-22");
    EXPECT_EQ(decodePayload(docs[1].payload).transferTo, "Checking");
    h.store->read([&](store::Tx& tx) {
        const auto stored = store::decodeSummary(tx.settlements().summary(r.settlementRow)->summaryJson);
        EXPECT_EQ(stored.documents[0].lines[0].item, "Widget (inventory)");
        EXPECT_EQ(tx.skuItems().find(h.company.id, "SKU:XYZ/42")->itemName, "SKU-XYZ-42");
    });
}

TEST(Queue, DocumentQuickBooksCouldNeverAcceptFailsAtImport) {
    PostingHarness h;
    auto summary = sampleSummary("23874396421", 2500);
    summary.documents[1].lines[0].category = "commission";
    summary.documents[1].lines[0].sku.clear();
    summary.documents[1].lines[0].item = std::string(40, 'X');  // item names are limited to 31 characters
    const ImportResult r = h.import(summary);
    EXPECT_EQ(r.failed, 2) << "the credit memo and the refund that depends on it";
    const auto docs = h.documents();
    EXPECT_EQ(docs[0].state, DocState::Queued);
    EXPECT_EQ(docs[1].state, DocState::Failed);
    EXPECT_NE(docs[1].lastError.find("ItemRef"), std::string::npos) << docs[1].lastError;
    EXPECT_EQ(docs[2].state, DocState::Failed);
}

TEST(Queue, StatusCountsAndAttention) {
    PostingHarness h(CompanyMode::Testing);
    h.import(sampleSummary("23874396421"));
    const QueueStatus s = h.queue->status("acme");
    EXPECT_EQ(s.counts.at(DocState::Held), 3);
    EXPECT_EQ(s.attention.size(), 3U);
    EXPECT_THROW(h.queue->status("nobody"), QueueError);
}

}  // namespace
}  // namespace settlebridge::posting
