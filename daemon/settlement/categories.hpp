#pragma once
// Accounting categories and the table that maps every settlement row to one of them.
//
// A row is identified by its (transaction-type, amount-type, amount-description) triple. The built-in table is
// DATA: a static array of {transaction-type, amount-type, amount-description, category} patterns, where a pattern
// is a literal (matched without regard to ASCII case), "*" (anything) or a glob with '*' inside ("*IGST").
// The most specific matching pattern wins (see CategoryTable); the user's mapping rules (mapping.hpp) are looked at
// before the built-in ones. A triple nothing matches goes to the "unmapped" category. Every category has a
// default QuickBooks item and account, overridable in the mapping. docs/ACCOUNTING.md lists the whole table.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::settlement {

class Mapping;

/// The QuickBooks account type a category's item posts to by default.
enum class AccountKind {
    Income,
    Expense,
    OtherCurrentLiability,
    OtherCurrentAsset,
    Bank,  // the clearing account ("Amazon Clearing") and other bank-type accounts
};

/// "Income", "Expense", "OtherCurrentLiability", "OtherCurrentAsset", "Bank" (qbXML AccountType spellings).
std::string_view accountKindName(AccountKind kind) noexcept;

/// A built-in category.
struct CategoryInfo {
    std::string_view key;             // stable identifier, e.g. "commission"
    std::string_view label;           // what a bookkeeper reads on the line, e.g. "Amazon referral fees"
    std::string_view defaultItem;     // QuickBooks item name (<= 31 characters, no ':')
    AccountKind accountKind;
    std::string_view defaultAccount;  // QuickBooks account name
    bool gross;                       // kept on the documents in gross mode (sales, tax, shipping, promotions)
};

/// One built-in pattern.
struct CategoryRule {
    std::string_view transactionType;
    std::string_view amountType;
    std::string_view amountDescription;
    std::string_view category;
};

/// Version of the built-in categories and table; recorded in every summary.
inline constexpr std::string_view kBuiltinMappingVersion = "builtin-2";

/// Keys of the categories the summarizer treats specially.
inline constexpr std::string_view kProductCategory = "product";
inline constexpr std::string_view kUnmappedCategory = "unmapped";

/// The built-in categories, in the order their lines appear on a document.
std::span<const CategoryInfo> builtinCategories() noexcept;
/// The categories by which Amazon carries or collects a balance between payouts (Payable to Amazon, Successful
/// charge, Debt adjustment, carried or unavailable balances, Failed disbursement, Micro Deposit). They must all post to
/// one account, the one a negative settlement is booked through (default "Amazon Reserved Balances"): a mapping that
/// sends one elsewhere is refused (Mapping::parse). docs/ACCOUNTING.md section 14.
std::span<const std::string_view> carriedBalanceCategories() noexcept;
bool isCarriedBalanceCategory(std::string_view key) noexcept;
/// Real triples of those categories (the fourth field names the category), to test a user rule against.
std::span<const CategoryRule> carriedBalanceSamples() noexcept;
/// The default account of the carried-balance categories and of negative settlements.
inline constexpr std::string_view kCarriedBalanceAccount = "Amazon Reserved Balances";
/// Keys of the tax on Amazon's fees: an expense, or (SummarizeOptions::taxRegistered) a recoverable input tax credit.
inline constexpr std::string_view kFeeTaxCategory = "fee-tax";
inline constexpr std::string_view kFeeTaxRecoverableCategory = "fee-tax-recoverable";

/// The built-in table, in priority order among equally specific patterns.
std::span<const CategoryRule> builtinCategoryRules() noexcept;
/// The built-in category with this key, or nullptr.
const CategoryInfo* findBuiltinCategory(std::string_view key) noexcept;

/// True for transaction types whose rows go on the credit memo: "Refund", anything starting with "Refund_"
/// (Refund_Retrocharge) and anything ending with " Refund" (A-to-z Guarantee Refund, Chargeback Refund);
/// ASCII case ignored.
bool isRefundTransactionType(std::string_view transactionType) noexcept;

/// True when `text` matches `pattern`: "*" matches anything, other '*' match any run of characters, the rest is
/// compared without regard to ASCII case.
bool patternMatches(std::string_view pattern, std::string_view text) noexcept;

/// Specificity of a pattern triple: each field scores 2 (literal), 1 (glob) or 0 ("*"); the description counts
/// most, then the amount type, then the transaction type (score = 9 * description + 3 * amount type +
/// transaction type). A higher score wins.
int patternSpecificity(std::string_view transactionType, std::string_view amountType,
                       std::string_view amountDescription) noexcept;

/// A category as resolved for one summary: built-in defaults with the mapping's overrides applied.
struct Category {
    std::string key;
    std::string label;
    std::string item;      // QuickBooks item for the category's lines (product lines use the SKU's item)
    std::string account;   // QuickBooks account the item posts to (for creating the item)
    AccountKind accountKind = AccountKind::Expense;
    bool gross = false;
    bool builtin = true;
};

/// What a triple maps to.
struct Classification {
    std::uint32_t category = 0;  // index into CategoryTable::categories()
    bool refund = false;         // the row belongs on the credit memo
};

/// The built-in table plus an optional mapping, with a cache: each distinct triple is matched against the rules
/// once; later rows with the same triple cost one hash lookup without allocation.
class CategoryTable {
public:
    /// `mapping` (may be null) must outlive the table.
    explicit CategoryTable(const Mapping* mapping = nullptr);
    ~CategoryTable();
    CategoryTable(CategoryTable&&) noexcept;
    CategoryTable& operator=(CategoryTable&&) noexcept;
    CategoryTable(const CategoryTable&) = delete;
    CategoryTable& operator=(const CategoryTable&) = delete;

    /// Classifies a row's triple.
    Classification classify(std::string_view transactionType, std::string_view amountType,
                            std::string_view amountDescription);

    /// All categories: the built-in ones in document order, then the mapping's own, in the order declared.
    const std::vector<Category>& categories() const noexcept;
    std::uint32_t productIndex() const noexcept;
    std::uint32_t unmappedIndex() const noexcept;
    /// Index of a category key, or -1.
    int indexOf(std::string_view key) const noexcept;

    /// "builtin-2" or "builtin-2+<mapping version>".
    const std::string& version() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace settlebridge::settlement
