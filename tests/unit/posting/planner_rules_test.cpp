// Issue 13, items 2-4: what a real QuickBooks will not take is held before anything is sent. FakeQuickBooks enforces
// the same rule table as the simulated QuickBooks (tools/quickbooks_sim/rules.json).
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/posting/planner.hpp"
#include "tests/unit/posting/posting_harness.hpp"
#include "tests/unit/posting/schema_check.hpp"

namespace settlebridge::posting {
namespace {

using settlebridge::testing::FakeQuickBooks;
using settlebridge::testing::isDocumentAdd;
using settlebridge::testing::PostingHarness;
using settlebridge::testing::qbxmlSchemaErrors;
using settlebridge::testing::requestElement;
using settlebridge::testing::sampleSummary;
using store::DocState;

constexpr const char* kSettlement = "23874396421";

int count(const std::vector<Request>& sent, const std::string& name) {
    return static_cast<int>(
        std::count_if(sent.begin(), sent.end(), [&](const Request& r) { return requestElement(r.qbxml) == name; }));
}

std::string receiptKey() { return std::string(kSettlement) + ":R:0"; }

/// Runs one session and checks every request the planner sent is schema-valid.
std::vector<Request> runChecked(PostingHarness& h, FakeQuickBooks& qb) {
    auto s = h.startSession();
    auto sent = h.run(s, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    return sent;
}

// --- Item types -------------------------------------------------------------------------------------------------

class ItemOfAnotherType : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(ItemOfAnotherType, NamedLikeASkuHoldsTheReceiptWithItsNameTypeAndWhatToChange) {
    const auto [type, label] = GetParam();
    PostingHarness h;
    FakeQuickBooks qb;
    qb.items["SKU-ABC-001"] = type;
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0) << "nothing is sent";
    EXPECT_TRUE(qb.ledger.empty());
    const auto doc = h.document(receiptKey());
    EXPECT_EQ(doc.state, DocState::Held);
    EXPECT_EQ(doc.holdReason, "item-type");
    EXPECT_NE(doc.lastError.find("Item \"SKU-ABC-001\" is a" + std::string(label[0] == 'I' ? "n " : " ") + label +
                                 " item in QuickBooks"),
              std::string::npos)
        << doc.lastError;
    EXPECT_NE(doc.lastError.find("Service, Non-inventory Part, Other Charge, Inventory Part or Inventory Assembly"),
              std::string::npos)
        << doc.lastError;
    EXPECT_NE(doc.lastError.find("`sku` line of the mapping"), std::string::npos) << doc.lastError;

    // Renamed in QuickBooks: approved again, the next session creates the SKU's item and posts the receipt.
    qb.items.erase("SKU-ABC-001");
    EXPECT_EQ(h.queue->approve("acme", kSettlement, h.now), 1);
    h.now += 3600;
    runChecked(h, qb);
    EXPECT_EQ(h.document(receiptKey()).state, DocState::Posted);
    EXPECT_EQ(qb.items.at("SKU-ABC-001"), "ItemNonInventory");
}

INSTANTIATE_TEST_SUITE_P(Types, ItemOfAnotherType,
                         ::testing::Values(std::make_pair("ItemGroup", "Group"), std::make_pair("ItemSubtotal", "Subtotal"),
                                           std::make_pair("ItemDiscount", "Discount"),
                                           std::make_pair("ItemPayment", "Payment"),
                                           std::make_pair("ItemSalesTax", "Sales Tax Item"),
                                           std::make_pair("ItemSalesTaxGroup", "Sales Tax Group"),
                                           std::make_pair("ItemFixedAsset", "Fixed Asset")));

TEST(PlannerRules, InventoryAndAssemblyItemsPost) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.items["SKU-ABC-001"] = "ItemInventory";
    qb.items["SKU-XYZ-42"] = "ItemInventoryAssembly";
    h.import(sampleSummary(kSettlement, 2500));
    runChecked(h, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
    EXPECT_EQ(qb.count("SalesReceipt", h.document(receiptKey()).refNumber), 1);
}

TEST(PlannerRules, ACategoryItemOfAnotherTypeNamesTheMappingsItemLine) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.items["Amazon Commission"] = "ItemDiscount";
    h.import(sampleSummary(kSettlement, 0));
    runChecked(h, qb);
    const auto doc = h.document(receiptKey());
    EXPECT_EQ(doc.holdReason, "item-type");
    EXPECT_NE(doc.lastError.find("Item \"Amazon Commission\" is a Discount item"), std::string::npos) << doc.lastError;
    EXPECT_NE(doc.lastError.find("`item` line of the mapping"), std::string::npos) << doc.lastError;
    EXPECT_NE(doc.lastError.find("creates \"Amazon Commission\" as an Other Charge item"), std::string::npos);
}

TEST(PlannerRules, SkuItemsSellThroughIncomeAndBuyThroughCostOfGoodsSold) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(h.document(receiptKey()).state, DocState::Posted);
    // A later bill that uses the SKU's item is a cost, not less "Amazon Sales" income.
    EXPECT_EQ(qb.itemAccount.at("SKU-ABC-001"), "Amazon Sales");
    EXPECT_EQ(qb.itemExpenseAccount.at("SKU-ABC-001"), "Cost of Goods Sold");
    EXPECT_EQ(qb.accounts.at("Cost of Goods Sold"), "CostOfGoodsSold");
    // Fee items post to their expense account either way: one account.
    EXPECT_EQ(qb.itemAccount.at("Amazon Commission"), "Amazon Selling Fees");
    EXPECT_EQ(qb.itemExpenseAccount.count("Amazon Commission"), 0U);
    const auto add = std::find_if(sent.begin(), sent.end(), [](const Request& r) {
        return r.qbxml.find("<Name>SKU-ABC-001</Name>") != std::string::npos;
    });
    ASSERT_NE(add, sent.end());
    EXPECT_NE(add->qbxml.find("<SalesAndPurchase>"), std::string::npos) << add->qbxml;
    EXPECT_EQ(add->qbxml.find("<SalesOrPurchase>"), std::string::npos) << add->qbxml;
}

TEST(PlannerRules, ASubItemTakesItsParentsType) {
    for (const bool creatable : {true, false}) {
        SCOPED_TRACE(creatable ? "parent is a service item" : "parent is an inventory part");
        PostingHarness h;
        FakeQuickBooks qb;
        qb.items["Products"] = creatable ? "ItemService" : "ItemInventory";
        auto summary = sampleSummary(kSettlement, 0);
        summary.documents[0].lines[0].item = "Products:SKU-ABC-001";
        h.import(summary);
        const auto sent = runChecked(h, qb);
        const auto doc = h.document(receiptKey());
        if (creatable) {
            EXPECT_EQ(count(sent, "ItemServiceAddRq"), 1);
            EXPECT_EQ(qb.items.at("Products:SKU-ABC-001"), "ItemService");
            EXPECT_EQ(doc.state, DocState::Posted);
        } else {
            EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
            EXPECT_EQ(qb.items.count("Products:SKU-ABC-001"), 0U) << "no add QuickBooks would refuse";
            EXPECT_EQ(doc.state, DocState::Held);
            EXPECT_EQ(doc.holdReason, "item-type");
            EXPECT_NE(doc.lastError.find("sub-item of \"Products\", an Inventory Part item"), std::string::npos)
                << doc.lastError;
        }
    }
}

// --- Account types ----------------------------------------------------------------------------------------------

TEST(PlannerRules, AClearingAccountOfAnotherTypeHoldsReceiptAndRefund) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Amazon Clearing"] = "Expense";
    h.import(sampleSummary(kSettlement, 2500));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(count(sent, "SalesReceiptAddRq"), 0);
    EXPECT_EQ(count(sent, "ARRefundCreditCardAddRq"), 0);
    const auto receipt = h.document(receiptKey());
    EXPECT_EQ(receipt.state, DocState::Held);
    EXPECT_EQ(receipt.holdReason, "account-type");
    EXPECT_NE(receipt.lastError.find("The account \"Amazon Clearing\" is an Expense account in QuickBooks; a sales "
                                     "receipt deposits into a Bank or Other Current Asset account"),
              std::string::npos)
        << receipt.lastError;
    // The credit memo uses no account: it posts; its refund, paid from the clearing account, is held.
    EXPECT_EQ(h.document(std::string(kSettlement) + ":C:0").state, DocState::Posted);
    const auto refund = h.document(std::string(kSettlement) + ":P:0");
    EXPECT_EQ(refund.state, DocState::Held);
    EXPECT_NE(refund.lastError.find("a refund is paid from a Bank or Other Current Asset account"), std::string::npos)
        << refund.lastError;

    // Changed to an other current asset in QuickBooks: approved again, both post.
    qb.accounts["Amazon Clearing"] = "OtherCurrentAsset";
    EXPECT_EQ(h.queue->approve("acme", kSettlement, h.now), 2);
    h.now += 3600;
    runChecked(h, qb);
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
}

TEST(PlannerRules, ATransferToAnIncomeAccountIsHeld) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Sales"] = "Income";
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Sales";
    });
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(count(sent, "TransferAddRq"), 0);
    EXPECT_EQ(h.document(receiptKey()).state, DocState::Posted);
    const auto transfer = h.document(std::string(kSettlement) + ":T");
    EXPECT_EQ(transfer.state, DocState::Held);
    EXPECT_NE(transfer.lastError.find("The account \"Sales\" is an Income account in QuickBooks; a transfer moves "
                                      "money between balance-sheet accounts"),
              std::string::npos)
        << transfer.lastError;
}

TEST(PlannerRules, AnItemAccountThatIsAccountsReceivableHoldsTheReceipt) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Accounts Receivable"] = "AccountsReceivable";
    h.store->write([&](store::Tx& tx) {
        tx.companies().setCategoryAccount(h.company.id, {"commission", "Accounts Receivable", "Expense"});
    });
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
    EXPECT_EQ(qb.items.count("Amazon Commission"), 0U);
    const auto doc = h.document(receiptKey());
    EXPECT_EQ(doc.state, DocState::Held);
    EXPECT_NE(doc.lastError.find("Item \"Amazon Commission\" cannot be created: the account \"Accounts Receivable\" is "
                                 "an Accounts Receivable account in QuickBooks"),
              std::string::npos)
        << doc.lastError;
}

TEST(PlannerRules, ASubAccountTakesItsParentsType) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Selling Fees"] = "OtherExpense";
    h.store->write([&](store::Tx& tx) {
        tx.companies().setCategoryAccount(h.company.id, {"commission", "Selling Fees:Referral", "Expense"});
    });
    h.import(sampleSummary(kSettlement, 0));
    runChecked(h, qb);
    EXPECT_EQ(qb.accounts.at("Selling Fees:Referral"), "OtherExpense") << "created with its parent's type";
    EXPECT_EQ(h.document(receiptKey()).state, DocState::Posted);
}

TEST(PlannerRules, AClearingAccountUnderAnExpenseParentIsHeldNotCreated) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Amazon"] = "Expense";
    h.updateCompany([](store::Company& c) { c.clearingAccount = "Amazon:Clearing"; });
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(),
                            [](const Request& r) { return r.qbxml.find("<Name>Clearing</Name>") != std::string::npos; }),
              0)
        << "an add QuickBooks would refuse is not sent";
    EXPECT_EQ(qb.accounts.count("Amazon:Clearing"), 0U);
    const auto doc = h.document(receiptKey());
    EXPECT_EQ(doc.state, DocState::Held);
    EXPECT_NE(doc.lastError.find("Account \"Amazon:Clearing\" cannot be created under \"Amazon\": a sub-account has its "
                                 "parent's type, and the account \"Amazon\" is an Expense account in QuickBooks; a "
                                 "sales receipt deposits into a Bank or Other Current Asset account"),
              std::string::npos)
        << doc.lastError;
}

// --- One name list ----------------------------------------------------------------------------------------------

TEST(PlannerRules, ACustomerNameThatAVendorHasHoldsTheDocuments) {
    for (const char* list : {"vendor", "employee", "other name"}) {
        SCOPED_TRACE(list);
        PostingHarness h;
        FakeQuickBooks qb;
        const std::string which(list);
        (which == "vendor" ? qb.vendors : which == "employee" ? qb.employees : qb.otherNames)["Amazon Summary"] = "";
        h.import(sampleSummary(kSettlement, 2500));
        const auto sent = runChecked(h, qb);
        EXPECT_EQ(count(sent, "CustomerAddRq"), 0) << "no add QuickBooks answers 3100";
        EXPECT_EQ(count(sent, "VendorQueryRq"), 1);
        EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
        for (const auto& d : h.documents()) {
            if (d.kind == store::DocKind::RefundPayment) continue;  // waits for its credit memo
            EXPECT_EQ(d.state, DocState::Held) << d.externalKey;
            EXPECT_EQ(d.holdReason, "name-in-use");
            EXPECT_NE(d.lastError.find("The customer name \"Amazon Summary\" is a" +
                                       std::string(which == "vendor" ? " vendor" : which == "employee" ? "n employee"
                                                                                                      : "n other name") +
                                       " in QuickBooks, and QuickBooks keeps customers, vendors, employees and other "
                                       "names in one list"),
                      std::string::npos)
                << d.lastError;
            EXPECT_NE(d.lastError.find("choose another customer name in Settings"), std::string::npos);
        }
    }
}

TEST(PlannerRules, ACustomerNameNobodyHasIsCheckedOnceThenCreated) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.vendors["Amazon"] = "";  // a vendor with a similar name does not matter
    h.import(sampleSummary(kSettlement, 0));
    const auto sent = runChecked(h, qb);
    EXPECT_EQ(count(sent, "VendorQueryRq"), 1);
    EXPECT_EQ(count(sent, "CustomerAddRq"), 1);
    EXPECT_EQ(h.document(receiptKey()).state, DocState::Posted);
    h.import(sampleSummary("23874397121", 0));
    h.now += 3600;
    const auto again = runChecked(h, qb);
    EXPECT_EQ(count(again, "VendorQueryRq"), 0) << "a known customer is not checked again";
}

}  // namespace
}  // namespace settlebridge::posting
