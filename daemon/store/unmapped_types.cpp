#include "daemon/store/unmapped_types.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include "daemon/common/text.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/summary_codec.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kAdminVersionPrefix = "admin-";

std::optional<settlement::Mapping> companyMapping(const CompanyOptions& options) {
    if (options.mappingText.empty()) return std::nullopt;
    return settlement::Mapping::parse(options.mappingText, "company mapping");
}

bool hasControl(std::string_view text) noexcept {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

/// The mapping text with its version line replaced (or added first).
std::string withVersion(const std::string& text, const std::string& version) {
    std::string out = "version " + version + "\n";
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + start, end - start);
        const bool isVersion = line.rfind("version", 0) == 0 && (line.size() == 7 || line[7] == ' ' || line[7] == '\t');
        if (!isVersion) {
            out.append(line);
            out += '\n';
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string companyMappingVersion(const std::string& mappingText, int revision) {
    const std::string builtin(settlement::kBuiltinMappingVersion);
    if (mappingText.empty()) return builtin;
    return builtin + "+" + std::string(kAdminVersionPrefix) + std::to_string(revision);
}

std::vector<UnmappedType> listUnmappedTypes(Tx& tx, std::int64_t companyId) {
    if (!tx.companies().find(companyId)) throw StoreError("no company " + std::to_string(companyId));
    const CompanyOptions options = CompanyOptionsRepo(tx.database()).get(companyId);
    std::optional<settlement::Mapping> mapping;
    try {
        mapping = companyMapping(options);
    } catch (const settlement::MappingError&) {
        mapping.reset();  // a mapping that no longer reads: show what the built-in table makes of each kind
    }
    settlement::CategoryTable table(mapping ? &*mapping : nullptr);

    std::vector<UnmappedType> types;
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
    for (const SettlementRecord& record : tx.settlements().list(companyId)) {
        if (record.state != SettlementState::Active) continue;
        const auto stored = tx.settlements().summary(record.id);
        if (!stored) continue;
        const settlement::Summary summary = decodeSummary(stored->summaryJson);
        for (const settlement::UnmappedCombination& u : summary.unmapped) {
            const auto key = std::make_tuple(u.transactionType, u.amountType, u.amountDescription);
            auto [it, fresh] = index.try_emplace(key, types.size());
            if (fresh) {
                UnmappedType type;
                type.transactionType = u.transactionType;
                type.amountType = u.amountType;
                type.amountDescription = u.amountDescription;
                const settlement::Classification now =
                    table.classify(u.transactionType, u.amountType, u.amountDescription);
                if (now.category != table.unmappedIndex()) type.mappedTo = table.categories()[now.category].key;
                types.push_back(std::move(type));
            }
            UnmappedType& type = types[it->second];
            UnmappedOccurrence occurrence;
            occurrence.settlementRow = record.id;
            occurrence.settlementId = record.settlementId;
            occurrence.currency = summary.header.currency;
            occurrence.rows = u.rows;
            occurrence.amount = u.amount;
            occurrence.firstLine = u.firstLine;
            occurrence.importedAt = record.importedAt;
            type.settlements.push_back(std::move(occurrence));
            type.rows += u.rows;
            type.totals[summary.header.currency] += u.amount;
        }
    }
    for (auto& type : types) {
        std::stable_sort(type.settlements.begin(), type.settlements.end(),
                         [](const UnmappedOccurrence& a, const UnmappedOccurrence& b) {
                             return std::tie(a.importedAt, a.settlementRow) < std::tie(b.importedAt, b.settlementRow);
                         });
    }
    std::stable_sort(types.begin(), types.end(), [](const UnmappedType& a, const UnmappedType& b) {
        if (a.mappedTo.empty() != b.mappedTo.empty()) return a.mappedTo.empty();
        return a.rows > b.rows;
    });
    return types;
}

MappedType mapUnmappedType(Tx& tx, std::int64_t companyId, const std::string& transactionType,
                           const std::string& amountType, const std::string& amountDescription,
                           const std::string& category, const std::string& byUser, Timestamp now) {
    const auto company = tx.companies().find(companyId);
    if (!company) throw StoreError("no company " + std::to_string(companyId));
    CompanyOptionsRepo repo(tx.database());
    CompanyOptions options = repo.get(companyId);
    std::optional<settlement::Mapping> mapping;
    try {
        mapping = companyMapping(options);
    } catch (const settlement::MappingError& e) {
        throw UnmappedMappingError("category", "the company's mapping does not read (" + std::string(e.what()) +
                                                   "): correct it under Settings first");
    }
    settlement::CategoryTable table(mapping ? &*mapping : nullptr);

    struct Field {
        const char* name;
        const char* label;
        const std::string& value;
    };
    const Field fields[] = {{"transaction_type", "transaction type", transactionType},
                            {"amount_type", "amount type", amountType},
                            {"amount_description", "amount description", amountDescription}};
    if (transactionType.empty() && amountType.empty() && amountDescription.empty()) {
        throw UnmappedMappingError("transaction_type", "name the kind of row to map");
    }
    for (const Field& f : fields) {
        if (f.value.find('*') != std::string::npos) {
            throw UnmappedMappingError(f.name, std::string("the ") + f.label + " \"" + f.value +
                                                   "\" holds '*', which a mapping rule reads as \"anything\": write "
                                                   "this rule by hand under Settings (More mapping rules)");
        }
        if (hasControl(f.value) || f.value != common::trimBlanks(f.value)) {
            throw UnmappedMappingError(f.name, std::string("the ") + f.label +
                                                   " holds a tab, a control character or blanks at its ends, "
                                                   "which a mapping rule cannot hold");
        }
    }
    const int index = table.indexOf(category);
    if (index < 0) {
        throw UnmappedMappingError("category", "\"" + category + "\" is not a category (see Settings for the list)");
    }
    if (category == settlement::kUnmappedCategory || category == settlement::kProductCategory) {
        throw UnmappedMappingError("category", category == settlement::kProductCategory
                                                   ? "product sales come from a row's SKU: map a fee or account row "
                                                     "to another category"
                                                   : "choose the category the rows belong to, not \"unmapped\"");
    }
    const settlement::Classification current = table.classify(transactionType, amountType, amountDescription);
    if (current.category != table.unmappedIndex()) {
        throw UnmappedMappingError("category", "rows of this kind already go to \"" +
                                                   table.categories()[current.category].label +
                                                   "\"; change that rule under Settings (More mapping rules)");
    }

    const auto orAny = [](const std::string& value) { return value.empty() ? std::string("*") : value; };
    const std::string rule = "rule " + orAny(transactionType) + "\t" + orAny(amountType) + "\t" +
                             orAny(amountDescription) + "\t" + category;
    std::string text = options.mappingText;
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += rule + "\n";
    text = withVersion(text, std::string(kAdminVersionPrefix) + std::to_string(options.mappingRevision + 1));
    try {
        (void)settlement::Mapping::parse(text, "company mapping");
    } catch (const settlement::MappingError& e) {
        throw UnmappedMappingError("category", "the mapping would not read with this rule: " + e.detail());
    }
    options.mappingText = text;
    const CompanyOptions saved = repo.save(options, now);

    MappedType result;
    result.rule = rule;
    result.mappingRevision = saved.mappingRevision;
    result.mappingVersion = companyMappingVersion(saved.mappingText, saved.mappingRevision);
    result.category = category;
    result.categoryLabel = table.categories()[static_cast<std::size_t>(index)].label;
    tx.events().add(now, companyId, EventLevel::Info,
                    "mapping of \"" + company->name + "\": rows " + transactionType + " / " + amountType + " / " +
                        amountDescription + " now go to \"" + result.categoryLabel + "\" (" + result.mappingVersion +
                        ", by " + byUser + "); settlements imported from now on use it");
    return result;
}

}  // namespace settlebridge::store
