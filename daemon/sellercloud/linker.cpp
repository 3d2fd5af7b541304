#include "daemon/sellercloud/linker.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "daemon/sellercloud/errors.hpp"

namespace settlebridge::sellercloud {

namespace {

constexpr std::array<std::pair<LinkRule, std::string_view>, 7> kRules{{{LinkRule::Sku, "sku"},
                                                                       {LinkRule::AmazonSku, "amazon_sku"},
                                                                       {LinkRule::Upc, "upc"},
                                                                       {LinkRule::Asin, "asin"},
                                                                       {LinkRule::Ean, "ean"},
                                                                       {LinkRule::Mpn, "mpn"},
                                                                       {LinkRule::WalmartId, "walmart_id"}}};

}  // namespace

std::string_view toString(LinkRule rule) {
    for (const auto& [r, name] : kRules) {
        if (r == rule) return name;
    }
    return "sku";
}

std::optional<LinkRule> parseLinkRule(std::string_view text) {
    for (const auto& [r, name] : kRules) {
        if (name == text) return r;
    }
    return std::nullopt;
}

const std::vector<std::string>& allLinkRuleNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : kRules) out.emplace_back(entry.second);
        return out;
    }();
    return names;
}

std::vector<LinkRule> parseLinkRules(const std::vector<std::string>& names) {
    if (names.empty()) throw SellercloudError(SellercloudError::Kind::Config, 0, "", "no product linking rule given");
    std::vector<LinkRule> out;
    for (const auto& name : names) {
        const auto rule = parseLinkRule(name);
        if (!rule) {
            std::string known;
            for (const auto& n : allLinkRuleNames()) known += (known.empty() ? "" : ", ") + n;
            throw SellercloudError(SellercloudError::Kind::Config, 0, "",
                                   "unknown product linking rule \"" + name + "\" (known: " + known + ")");
        }
        if (std::find(out.begin(), out.end(), *rule) != out.end()) {
            throw SellercloudError(SellercloudError::Kind::Config, 0, "", "the linking rule \"" + name + "\" is listed twice");
        }
        out.push_back(*rule);
    }
    return out;
}

Linker::Linker(Client& client, std::vector<LinkRule> rules, std::int64_t companyId)
    : client_(client), rules_(std::move(rules)), companyId_(companyId) {}

const std::vector<Product>& Linker::keywordSearch(const std::string& keyword) {
    auto it = keywordCache_.find(keyword);
    if (it != keywordCache_.end()) return it->second;
    ++lookups_;
    CatalogQuery q;
    q.keyword = keyword;
    q.companyId = companyId_;
    return keywordCache_.emplace(keyword, client_.catalog(q)).first->second;
}

std::vector<Product> Linker::candidates(LinkRule rule, const std::string& sku, const std::string& asin) {
    std::vector<Product> found;
    auto keep = [&](const std::vector<Product>& products, auto matches) {
        for (const auto& p : products) {
            if ((companyId_ == 0 || p.companyId == 0 || p.companyId == companyId_) && matches(p)) found.push_back(p);
        }
    };
    switch (rule) {
        case LinkRule::Sku: {
            if (sku.empty()) break;
            CatalogQuery q;
            q.sku = sku;
            q.companyId = companyId_;
            ++lookups_;
            keep(client_.catalog(q), [&](const Product& p) { return p.id == sku; });
            break;
        }
        case LinkRule::Upc: {
            if (sku.empty()) break;
            CatalogQuery q;
            q.upc = sku;
            q.companyId = companyId_;
            ++lookups_;
            keep(client_.catalog(q), [&](const Product& p) { return p.upc == sku; });
            break;
        }
        case LinkRule::Ean:
            if (sku.empty()) break;
            ++lookups_;
            keep(client_.inventoryByEan(sku, companyId_), [&](const Product& p) { return p.ean == sku; });
            break;
        case LinkRule::AmazonSku:
            if (sku.empty()) break;
            keep(keywordSearch(sku),
                 [&](const Product& p) { return p.amazonMerchantSku == sku || p.amazonFbaSku == sku; });
            break;
        case LinkRule::Mpn:
            if (sku.empty()) break;
            keep(keywordSearch(sku), [&](const Product& p) { return p.manufacturerSku == sku; });
            break;
        case LinkRule::Asin:
            if (asin.empty()) break;
            keep(keywordSearch(asin), [&](const Product& p) { return p.asin == asin; });
            break;
        case LinkRule::WalmartId:
            if (asin.empty()) break;
            keep(keywordSearch(asin), [&](const Product& p) { return p.walmartProductId == asin; });
            break;
    }
    return found;
}

LinkResult Linker::find(std::string_view skuView, std::string_view asinView) {
    const std::string sku(skuView);
    const std::string asin(asinView);
    LinkResult result;
    std::string tried;
    for (LinkRule rule : rules_) {
        std::vector<Product> found = candidates(rule, sku, asin);
        std::set<std::string> ids;
        for (const auto& p : found) ids.insert(p.id);
        if (ids.empty()) {
            tried += (tried.empty() ? "" : ", ") + std::string(toString(rule));
            continue;
        }
        result.rule = rule;
        if (ids.size() > 1) {
            result.outcome = LinkResult::Outcome::Ambiguous;
            std::string list;
            for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
            result.detail = "rule " + std::string(toString(rule)) + " matches " + std::to_string(ids.size()) +
                            " products (" + list + "): link it by hand";
            return result;
        }
        result.outcome = LinkResult::Outcome::Linked;
        result.productId = *ids.begin();
        for (const auto& p : found) {
            if (p.averageCost) result.itemCost = p.averageCost;
        }
        return result;
    }
    result.outcome = LinkResult::Outcome::Unmatched;
    result.detail = "no product of the company matches (tried " + (tried.empty() ? std::string("no rule") : tried) + ")";
    return result;
}

}  // namespace settlebridge::sellercloud
