#include "qbxml/rules.hpp"

#include <algorithm>
#include <array>

namespace settlebridge::qbxml {

namespace {

constexpr std::array<std::string_view, 5> kSalesLineItemTypes{"ItemService", "ItemNonInventory", "ItemOtherCharge",
                                                               "ItemInventory", "ItemInventoryAssembly"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kItemLabels{{
    {"ItemService", "Service"},
    {"ItemNonInventory", "Non-inventory Part"},
    {"ItemOtherCharge", "Other Charge"},
    {"ItemInventory", "Inventory Part"},
    {"ItemInventoryAssembly", "Inventory Assembly"},
    {"ItemFixedAsset", "Fixed Asset"},
    {"ItemSubtotal", "Subtotal"},
    {"ItemDiscount", "Discount"},
    {"ItemPayment", "Payment"},
    {"ItemSalesTax", "Sales Tax Item"},
    {"ItemSalesTaxGroup", "Sales Tax Group"},
    {"ItemGroup", "Group"},
}};

constexpr std::array<std::string_view, 2> kDepositTypes{"Bank", "OtherCurrentAsset"};
constexpr std::array<std::string_view, 2> kRefundTypes{"Bank", "OtherCurrentAsset"};
constexpr std::array<std::string_view, 8> kTransferTypes{"Bank",           "OtherCurrentAsset",     "FixedAsset",
                                                         "OtherAsset",     "CreditCard",            "OtherCurrentLiability",
                                                         "LongTermLiability", "Equity"};
constexpr std::array<std::string_view, 13> kItemAccountTypes{
    "Bank",   "OtherCurrentAsset", "FixedAsset",      "OtherAsset", "CreditCard",  "OtherCurrentLiability",
    "LongTermLiability", "Equity", "Income", "OtherIncome", "CostOfGoodsSold", "Expense", "OtherExpense"};

bool contains(std::span<const std::string_view> list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// "a Bank or Other Current Asset account", "a Bank, Other Current Asset, ... or Equity account".
std::string typeList(std::span<const std::string_view> types) {
    std::string out = "a";
    if (!types.empty() && accountTypeLabel(types.front()).find_first_of("AEIOU") == 0) out += "n";
    for (std::size_t i = 0; i < types.size(); ++i) {
        out += i == 0 ? " " : (i + 1 == types.size() ? " or " : ", ");
        out += accountTypeLabel(types[i]);
    }
    return out + " account";
}

}  // namespace

bool isSalesLineItemType(std::string_view itemType) noexcept { return contains(kSalesLineItemTypes, itemType); }

std::span<const std::string_view> salesLineItemTypes() noexcept { return kSalesLineItemTypes; }

std::string_view itemTypeLabel(std::string_view itemType) noexcept {
    for (const auto& [type, label] : kItemLabels) {
        if (type == itemType) return label;
    }
    return itemType;
}

bool isCreatableItemType(std::string_view itemType) noexcept {
    return itemType == "ItemService" || itemType == "ItemNonInventory" || itemType == "ItemOtherCharge";
}

std::string_view roleKey(AccountRole role) noexcept {
    switch (role) {
        case AccountRole::Deposit: return "deposit";
        case AccountRole::Refund: return "refund";
        case AccountRole::Transfer: return "transfer";
        case AccountRole::Item: return "item";
        case AccountRole::DepositLine: return "deposit_line";
    }
    return "item";
}

std::span<const std::string_view> allowedAccountTypes(AccountRole role) noexcept {
    switch (role) {
        case AccountRole::Deposit: return kDepositTypes;
        case AccountRole::Refund: return kRefundTypes;
        case AccountRole::Transfer: return kTransferTypes;
        case AccountRole::Item:
        case AccountRole::DepositLine: return kItemAccountTypes;
    }
    return kItemAccountTypes;
}

bool accountTypeAllowed(AccountRole role, std::string_view accountType) noexcept {
    return contains(allowedAccountTypes(role), accountType);
}

std::string accountTypeLabel(std::string_view accountType) {
    if (accountType == "CostOfGoodsSold") return "Cost of Goods Sold";
    if (accountType == "NonPosting") return "Non-Posting";
    std::string out;
    for (std::size_t i = 0; i < accountType.size(); ++i) {
        const char c = accountType[i];
        if (i > 0 && c >= 'A' && c <= 'Z') out += ' ';
        out += c;
    }
    return out;
}

std::string accountTypeProblem(AccountRole role, std::string_view name, std::string_view accountType) {
    if (accountTypeAllowed(role, accountType)) return {};
    const std::string label = accountTypeLabel(accountType);
    const std::string article = label.find_first_of("AEIOU") == 0 ? "an " : "a ";
    std::string text = "the account \"" + std::string(name) + "\" is " + article + label + " account in QuickBooks; ";
    switch (role) {
        case AccountRole::Deposit: text += "a sales receipt deposits into "; break;
        case AccountRole::Refund: text += "a refund is paid from "; break;
        case AccountRole::Transfer: text += "a transfer moves money between balance-sheet accounts: "; break;
        case AccountRole::Item: text += "an item's account is "; break;
        case AccountRole::DepositLine: text += "a deposit's money comes from "; break;
    }
    if (role == AccountRole::Item || role == AccountRole::DepositLine) {
        text += "any account but Accounts Receivable, Accounts Payable and non-posting ones";
    } else {
        text += typeList(allowedAccountTypes(role));
    }
    return text;
}

}  // namespace settlebridge::qbxml
