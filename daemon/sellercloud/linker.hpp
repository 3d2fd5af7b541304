#pragma once
// Product linking: an advertised SKU (and its ASIN, or Walmart item id) is matched to a Sellercloud product of
// one company by trying a priority list of rules top to bottom. A rule matches when exactly one product of the
// company has that field equal to the advertised value; two or more is "ambiguous" and stops the search (never
// guessed); none goes on to the next rule. The lookups the Swagger supports:
//
//   sku         product ID      == advertised SKU     GET Catalog?model.sKU=
//   amazon_sku  AmazonMerchantSKU or AmazonFBASKU == advertised SKU   GET Catalog?model.keyword= (then exact)
//   upc         UPC             == advertised SKU     GET Catalog?model.uPC=
//   asin        ASIN            == advertised ASIN    GET Catalog?model.keyword= (then exact)
//   ean         EAN             == advertised SKU     GET Inventory?model.eAN=
//   mpn         ManufacturerSKU == advertised SKU     GET Catalog?model.keyword= (then exact)
//   walmart_id  WalmartProductID == advertised item id (Walmart rows)  GET Catalog?model.keyword= (then exact)
//
// Sellercloud's product aliases have no lookup in the REST API: link such SKUs by hand ("manual" links, kept in
// the store and used before any rule).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/sellercloud/client.hpp"

namespace settlebridge::sellercloud {

enum class LinkRule { Sku, AmazonSku, Upc, Asin, Ean, Mpn, WalmartId };

std::string_view toString(LinkRule rule);
std::optional<LinkRule> parseLinkRule(std::string_view text);
/// Every rule name, in the default priority order.
const std::vector<std::string>& allLinkRuleNames();
/// Names → rules; Config error naming the first unknown or repeated name, or an empty list.
std::vector<LinkRule> parseLinkRules(const std::vector<std::string>& names);

struct LinkResult {
    enum class Outcome { Linked, Unmatched, Ambiguous };
    Outcome outcome = Outcome::Unmatched;
    std::string productId;
    LinkRule rule = LinkRule::Sku;
    std::optional<common::Cents> itemCost;
    std::string detail;  // for unmatched/ambiguous: what was tried / which products matched
};

class Linker {
public:
    Linker(Client& client, std::vector<LinkRule> rules, std::int64_t companyId);

    /// Tries the rules for one advertised SKU (may be "") and ASIN / item id (may be ""). Throws SellercloudError
    /// when Sellercloud cannot be asked (the caller decides whether the send goes on).
    LinkResult find(std::string_view sku, std::string_view asin);

    /// Sellercloud calls made so far (keyword searches are shared between rules and SKUs).
    int lookups() const noexcept { return lookups_; }

private:
    const std::vector<Product>& keywordSearch(const std::string& keyword);
    std::vector<Product> candidates(LinkRule rule, const std::string& sku, const std::string& asin);

    Client& client_;
    std::vector<LinkRule> rules_;
    std::int64_t companyId_;
    std::map<std::string, std::vector<Product>> keywordCache_;
    int lookups_ = 0;
};

}  // namespace settlebridge::sellercloud
