#include "daemon/settlement/mapping.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>

#include "daemon/settlement/naming.hpp"
#include "daemon/common/text.hpp"

namespace settlebridge::settlement {

namespace {

constexpr std::size_t kMaxVersionLength = 64;
constexpr std::size_t kMaxCustomerSegment = 41;
constexpr std::size_t kMaxCategoryKeyLength = 40;

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

bool hasControl(std::string_view text) noexcept {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

std::vector<std::string_view> splitTabs(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = text.find('\t', start);
        fields.push_back(trim(text.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return fields;
}

bool validCategoryKey(std::string_view key) noexcept {
    if (key.empty() || key.size() > kMaxCategoryKeyLength) return false;
    for (const char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return key.front() != '-' && key.back() != '-';
}

struct AccountKindName {
    std::string_view name;
    AccountKind kind;
};
constexpr std::array<AccountKindName, 5> kAccountKinds{{
    {"Income", AccountKind::Income},
    {"Expense", AccountKind::Expense},
    {"OtherCurrentLiability", AccountKind::OtherCurrentLiability},
    {"OtherCurrentAsset", AccountKind::OtherCurrentAsset},
    {"Bank", AccountKind::Bank},
}};

}  // namespace

MappingError::MappingError(std::string file, std::size_t line, const std::string& message)
    : std::runtime_error(file + (line != 0 ? ":" + std::to_string(line) : std::string()) + ": " + message),
      file_(std::move(file)),
      line_(line),
      detail_(message) {}

bool Mapping::CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const char x = common::asciiLower(a[i]);
        const char y = common::asciiLower(b[i]);
        if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
    }
    return a.size() < b.size();
}

bool isValidCustomerName(std::string_view name) noexcept {
    if (name.empty() || hasControl(name)) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = name.find(':', start);
        const std::string_view segment =
            name.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        const std::size_t length = utf8Length(segment);
        if (length == 0 || length > kMaxCustomerSegment || segment.front() == ' ' || segment.back() == ' ') return false;
        if (colon == std::string_view::npos) return true;
        start = colon + 1;
    }
}

Mapping Mapping::loadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw MappingError(path, 0, "cannot open the mapping file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw MappingError(path, 0, "cannot read the mapping file");
    return parse(text, path);
}

Mapping Mapping::parse(std::string_view text, const std::string& fileName) {
    Mapping mapping;
    mapping.fileName_ = fileName;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    std::size_t versionLine = 0;
    std::size_t lineNumber = 0;
    auto error = [&](std::size_t line, const std::string& message) { return MappingError(fileName, line, message); };

    // Keys the rules and overrides refer to; checked once every category declaration has been read.
    struct Reference {
        std::string category;
        std::size_t line;
        std::string_view what;
    };
    std::vector<Reference> references;

    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t newline = text.find('\n', start);
        const std::string_view rawLine =
            text.substr(start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
        start = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
        ++lineNumber;

        const std::string_view line = trim(rawLine);
        if (line.empty() || line.front() == '#') continue;

        std::size_t keywordEnd = 0;
        while (keywordEnd < line.size() && line[keywordEnd] != ' ' && line[keywordEnd] != '\t') ++keywordEnd;
        const std::string_view keyword = line.substr(0, keywordEnd);
        const std::string_view rest = trim(line.substr(keywordEnd));
        const std::vector<std::string_view> fields = rest.empty() ? std::vector<std::string_view>{} : splitTabs(rest);

        auto expectFields = [&](std::size_t min, std::size_t max, std::string_view shape) {
            if (fields.size() < min || fields.size() > max) {
                throw error(lineNumber, std::string(keyword) + " needs " + std::string(shape) + " (TAB-separated), got " +
                                            std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s"));
            }
            for (std::size_t i = 0; i < fields.size(); ++i) {
                if (fields[i].empty())
                    throw error(lineNumber, std::string(keyword) + ": field " + std::to_string(i + 1) + " is empty");
                if (hasControl(fields[i]))
                    throw error(lineNumber, std::string(keyword) + ": field " + std::to_string(i + 1) +
                                                " holds a control character");
            }
        };
        auto addUnique = [&](auto& table, std::string_view key, std::string_view value, std::string_view what) {
            const auto [it, inserted] = table.try_emplace(std::string(key), std::string(value), lineNumber);
            if (!inserted) {
                throw error(lineNumber, std::string(what) + " \"" + std::string(key) + "\" is already set on line " +
                                            std::to_string(it->second.second));
            }
        };

        if (keyword == "version") {
            if (rest.empty()) throw error(lineNumber, "version needs a text");
            if (versionLine != 0)
                throw error(lineNumber, "version is already set on line " + std::to_string(versionLine));
            if (rest.size() > kMaxVersionLength || hasControl(rest))
                throw error(lineNumber, "version must be at most 64 characters without tabs or control characters");
            mapping.version_ = std::string(rest);
            versionLine = lineNumber;
        } else if (keyword == "rule") {
            expectFields(4, 4, "transaction-type, amount-type, amount-description and category");
            for (const auto& existing : mapping.rules_) {
                if (common::equalsIgnoreCaseAscii(existing.transactionType, fields[0]) &&
                    common::equalsIgnoreCaseAscii(existing.amountType, fields[1]) &&
                    common::equalsIgnoreCaseAscii(existing.amountDescription, fields[2])) {
                    throw error(lineNumber, "the same pattern already has a rule on line " + std::to_string(existing.line));
                }
            }
            mapping.rules_.push_back(MappingRule{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
                                                 std::string(fields[3]), lineNumber});
            references.push_back(Reference{std::string(fields[3]), lineNumber, "rule"});
        } else if (keyword == "item") {
            expectFields(2, 2, "a category and a QuickBooks item name");
            if (!isValidQuickBooksFullName(fields[1]))
                throw error(lineNumber, "item \"" + std::string(fields[1]) +
                                            "\" is not a valid QuickBooks item name (each ':'-separated part 1-31 characters)");
            addUnique(mapping.items_, fields[0], fields[1], "the item of category");
            references.push_back(Reference{std::string(fields[0]), lineNumber, "item"});
        } else if (keyword == "account") {
            expectFields(2, 2, "a category and a QuickBooks account name");
            if (!isValidQuickBooksFullName(fields[1]))
                throw error(lineNumber, "account \"" + std::string(fields[1]) +
                                            "\" is not a valid QuickBooks account name (each ':'-separated part 1-31 characters)");
            addUnique(mapping.accounts_, fields[0], fields[1], "the account of category");
            references.push_back(Reference{std::string(fields[0]), lineNumber, "account"});
        } else if (keyword == "sku") {
            expectFields(2, 2, "a SKU and a QuickBooks item name");
            if (!isValidQuickBooksFullName(fields[1]))
                throw error(lineNumber, "item \"" + std::string(fields[1]) +
                                            "\" is not a valid QuickBooks item name (each ':'-separated part 1-31 characters)");
            addUnique(mapping.skuItems_, fields[0], fields[1], "the item of SKU");
        } else if (keyword == "customer") {
            expectFields(2, 2, "a currency or marketplace and a QuickBooks customer name");
            if (!isValidCustomerName(fields[1]))
                throw error(lineNumber, "customer \"" + std::string(fields[1]) +
                                            "\" is not a valid QuickBooks customer name (each ':'-separated part 1-41 characters)");
            addUnique(mapping.customers_, fields[0], fields[1], "the customer of");
        } else if (keyword == "category") {
            expectFields(2, 4, "a key, a label, optionally an account kind and \"gross\"");
            if (!validCategoryKey(fields[0]))
                throw error(lineNumber, "category key \"" + std::string(fields[0]) +
                                            "\" must be 1-40 characters of a-z, 0-9 and '-'");
            if (findBuiltinCategory(fields[0]) != nullptr)
                throw error(lineNumber, "category \"" + std::string(fields[0]) + "\" is built in; use item/account to change it");
            for (const auto& existing : mapping.categories_)
                if (existing.key == fields[0])
                    throw error(lineNumber, "category \"" + std::string(fields[0]) + "\" is already declared on line " +
                                                std::to_string(existing.line));
            MappingCategory category;
            category.key = std::string(fields[0]);
            category.label = std::string(fields[1]);
            category.line = lineNumber;
            if (fields.size() >= 3) {
                bool known = false;
                for (const auto& entry : kAccountKinds) {
                    if (common::equalsIgnoreCaseAscii(entry.name, fields[2])) {
                        category.accountKind = entry.kind;
                        known = true;
                    }
                }
                // Types no item can post to (qbxml/rules.hpp, "item" accounts): said so, not just "unknown".
                for (const std::string_view never : {"AccountsReceivable", "AccountsPayable", "NonPosting"}) {
                    if (!known && common::equalsIgnoreCaseAscii(never, fields[2]))
                        throw error(lineNumber, "account kind \"" + std::string(fields[2]) +
                                                    "\": a QuickBooks item cannot post to an Accounts Receivable, "
                                                    "Accounts Payable or non-posting account; use Income, Expense, "
                                                    "OtherCurrentLiability, OtherCurrentAsset or Bank");
                }
                if (!known)
                    throw error(lineNumber, "account kind \"" + std::string(fields[2]) +
                                                "\" is not one of Income, Expense, OtherCurrentLiability, OtherCurrentAsset, Bank");
            }
            if (fields.size() == 4) {
                if (!common::equalsIgnoreCaseAscii(fields[3], "gross"))
                    throw error(lineNumber, "the fourth field of a category can only be \"gross\"");
                category.gross = true;
            }
            mapping.categories_.push_back(std::move(category));
        } else {
            throw error(lineNumber, "unknown statement \"" + std::string(keyword) +
                                        "\" (expected version, rule, item, account, sku, customer or category)");
        }
    }

    auto known = [&mapping](std::string_view key) {
        if (findBuiltinCategory(key) != nullptr) return true;
        for (const auto& category : mapping.categories_)
            if (category.key == key) return true;
        return false;
    };
    for (const auto& reference : references) {
        if (!known(reference.category))
            throw error(reference.line, std::string(reference.what) + ": unknown category \"" + reference.category +
                                            "\" (see docs/ACCOUNTING.md for the keys, or declare it with a category line)");
    }
    for (const auto& category : mapping.categories_) {
        if (mapping.items_.find(category.key) == mapping.items_.end() &&
            !isValidQuickBooksFullName(category.label)) {
            throw error(category.line, "category \"" + category.key +
                                           "\" needs an item line: its label is not a valid QuickBooks item name");
        }
    }
    mapping.checkCarriedBalances();
    if (versionLine == 0) throw error(0, "no version line (every mapping must say its version, e.g. \"version 2025-10-01\")");
    return mapping;
}

std::string Mapping::carriedBalanceAccount() const {
    for (const std::string_view key : carriedBalanceCategories())
        if (const std::string* account = accountFor(key)) return *account;
    return std::string(kCarriedBalanceAccount);
}

void Mapping::checkCarriedBalances() const {
    const std::string why =
        ": Amazon carries what the seller owes it between payouts in one account, where a negative settlement is "
        "booked and where Payable to Amazon, Successful charge, Debt adjustment, carried balances, Failed "
        "disbursement and Micro Deposit collect or return it; a debt booked in one account and collected in another "
        "never returns to zero (docs/ACCOUNTING.md section 14)";
    // Accounts: all five categories name one account (the default, or the same override).
    std::vector<std::pair<std::string, std::string>> groups;  // account -> its categories, in category order
    std::size_t lastLine = 0;
    for (const std::string_view key : carriedBalanceCategories()) {
        const auto it = accounts_.find(key);
        const std::string mine = it == accounts_.end() ? std::string(kCarriedBalanceAccount) : it->second.first;
        if (it != accounts_.end()) lastLine = std::max(lastLine, it->second.second);
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& g) { return common::equalsIgnoreCaseAscii(g.first, mine); });
        if (group == groups.end()) {
            groups.emplace_back(mine, std::string(key));
        } else {
            group->second += ", " + std::string(key);
        }
    }
    if (groups.size() > 1) {
        std::string split;
        for (const auto& [account, keys] : groups) split += (split.empty() ? "" : "; ") + keys + " to \"" + account + "\"";
        throw MappingError(fileName_, lastLine,
                           "the categories payable-to-amazon, card-charge, carried-balance, failed-disbursement and "
                           "micro-deposit must all post to the same account, but this mapping sends " + split + why +
                               ". Give all five the same account line, or none (\"" +
                               std::string(kCarriedBalanceAccount) + "\")");
    }
    // Rules: none may take a carried-balance row to a category that posts elsewhere.
    for (const auto& rule : rules_) {
        if (isCarriedBalanceCategory(rule.category)) continue;
        for (const auto& sample : carriedBalanceSamples()) {
            if (patternMatches(rule.transactionType, sample.transactionType) &&
                patternMatches(rule.amountType, sample.amountType) &&
                patternMatches(rule.amountDescription, sample.amountDescription)) {
                throw MappingError(fileName_, rule.line,
                                   "this rule sends Amazon's \"" + std::string(sample.amountDescription) +
                                       "\" rows to category " + rule.category + " instead of " +
                                       std::string(sample.category) + why +
                                       ". Narrow the rule so it does not match them, or send them to one of "
                                       "payable-to-amazon, card-charge, carried-balance, failed-disbursement, "
                                       "micro-deposit");
            }
        }
    }
}

const std::string* Mapping::itemFor(std::string_view category) const {
    const auto it = items_.find(category);
    return it == items_.end() ? nullptr : &it->second.first;
}

const std::string* Mapping::accountFor(std::string_view category) const {
    const auto it = accounts_.find(category);
    return it == accounts_.end() ? nullptr : &it->second.first;
}

std::vector<Mapping::AccountLine> Mapping::accountLines() const {
    std::vector<AccountLine> out;
    for (const auto& [category, value] : accounts_) out.push_back({category, value.first, value.second});
    return out;
}

const std::string* Mapping::skuItemFor(std::string_view sku) const {
    const auto it = skuItems_.find(sku);
    return it == skuItems_.end() ? nullptr : &it->second.first;
}

const std::string* Mapping::customerFor(std::string_view currency, std::string_view marketplaceName) const {
    if (!marketplaceName.empty()) {
        const auto it = customers_.find(marketplaceName);
        if (it != customers_.end()) return &it->second.first;
    }
    if (!currency.empty()) {
        const auto it = customers_.find(currency);
        if (it != customers_.end()) return &it->second.first;
    }
    return nullptr;
}

}  // namespace settlebridge::settlement
