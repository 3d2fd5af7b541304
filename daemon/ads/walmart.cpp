#include "daemon/ads/walmart.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>

#include "daemon/ads/errors.hpp"
#include "daemon/amazon/document.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/common/decimal.hpp"
#include "daemon/common/json.hpp"
#include "daemon/common/text.hpp"
#include "daemon/net/send.hpp"

namespace settlebridge::ads {

using common::Cents;
using common::decimalToCents;
using common::decimalToCount;
using common::Json;
using common::JsonError;
using common::jsonQuote;

namespace {

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// The value of `field` in `row` under any of its accepted header names ("" when absent).
const std::string* lookup(const std::map<std::string, std::string>& row,
                          const std::map<std::string, std::vector<std::string>>& table, const std::string& field) {
    const auto names = table.find(field);
    if (names == table.end()) return nullptr;
    for (const auto& name : names->second) {
        for (const auto& [header, value] : row) {
            if (common::equalsIgnoreCaseAscii(header, name)) return &value;
        }
    }
    return nullptr;
}

[[noreturn]] void badRow(std::size_t index, const std::string& field, const std::string& why) {
    throw AdsError(AdsError::Kind::Protocol, 0, "", why,
                   "the Walmart Connect report is unreadable at row " + std::to_string(index + 1) + ", " + field + ": " +
                       why + " (the column names are configurable: docs/ADS.md)");
}

std::string normalDate(std::string d) {
    if (d.size() == 8 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    }
    if (d.size() > 10 && d[4] == '-' && d[7] == '-') d.resize(10);  // "2026-05-01T00:00:00"
    return d;
}

}  // namespace

std::string WalmartCredentials::toJson() const {
    return "{\"auth_token\":" + common::jsonQuote(authToken) + ",\"consumer_id\":" + common::jsonQuote(consumerId) +
           ",\"private_key\":" + common::jsonQuote(privateKey) + ",\"key_version\":" + common::jsonQuote(keyVersion) + "}";
}

WalmartCredentials WalmartCredentials::fromJson(std::string_view json) {
    WalmartCredentials c;
    try {
        const common::Json j = common::Json::parse(json);
        c.authToken = j.get("auth_token");
        c.consumerId = j.get("consumer_id");
        c.privateKey = j.get("private_key");
        c.keyVersion = j.get("key_version", "1");
    } catch (const common::JsonError&) {
        throw AdsError(AdsError::Kind::Config, "the stored Walmart Connect credentials are unreadable: connect again");
    }
    if (c.authToken.empty() || c.consumerId.empty() || c.privateKey.empty()) {
        throw AdsError(AdsError::Kind::Config,
                       "the Walmart Connect credentials need the auth token, the consumer id and the private key");
    }
    return c;
}

WalmartColumns WalmartColumns::builtIn() {
    WalmartColumns c;
    c.adItem = {
        {"date", {"date", "reportDate", "Date"}},
        {"campaignId", {"campaignId", "Campaign Id", "campaign_id"}},
        {"itemId", {"itemId", "Item Id", "item_id"}},
        {"cost", {"adSpend", "Ad Spend", "spend"}},
        {"clicks", {"numAdsClicks", "clicks", "Clicks"}},
        {"impressions", {"numAdsShown", "impressions", "Impressions"}},
        {"sales", {"attributedSales14days", "Attributed Sales 14 days"}},
        {"purchases", {"attributedOrders14days", "Attributed Orders 14 days"}},
    };
    c.item = {
        {"itemId", {"itemId", "Item Id", "item_id"}},
        {"sku", {"sku", "sellerSku", "Seller SKU", "SKU"}},
    };
    return c;
}

WalmartColumns WalmartColumns::load(const std::string& file) {
    WalmartColumns c = builtIn();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw AdsError(AdsError::Kind::Config, "cannot read the Walmart column table " + file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        const common::Json j = common::Json::parse(text);
        auto merge = [](const common::Json* section, std::map<std::string, std::vector<std::string>>& into) {
            if (section == nullptr) return;
            if (!section->isObject()) throw common::JsonError("a section is not an object");
            for (const auto& [field, names] : section->members()) {
                if (!names.isArray() || names.items().empty()) throw common::JsonError("\"" + field + "\" is not a list of names");
                std::vector<std::string> list;
                for (const common::Json& n : names.items()) list.push_back(n.text());
                into[field] = list;
            }
        };
        merge(j.find("adItem"), c.adItem);
        merge(j.find("item"), c.item);
        if (const std::string t = j.get("itemReportType"); !t.empty()) c.itemReportType = t;
    } catch (const common::JsonError& e) {
        throw AdsError(AdsError::Kind::Config, "the Walmart column table " + file + " is unreadable: " + e.what());
    }
    return c;
}

std::vector<std::string> WalmartColumns::adItemMetrics() const {
    std::vector<std::string> out;
    for (const char* field : {"date", "campaignId", "itemId", "cost", "clicks", "impressions", "sales", "purchases"}) {
        if (const auto it = adItem.find(field); it != adItem.end() && !it->second.empty()) out.push_back(it->second.front());
    }
    return out;
}

std::vector<std::string> WalmartColumns::itemMetrics() const {
    std::vector<std::string> out;
    for (const char* field : {"itemId", "sku"}) {
        if (const auto it = item.find(field); it != item.end() && !it->second.empty()) out.push_back(it->second.front());
    }
    return out;
}

std::vector<std::map<std::string, std::string>> readTable(std::string_view raw) {
    std::string bytes = amazon::looksGzipped(raw) ? amazon::gunzip(raw) : std::string(raw);
    if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
    std::vector<std::map<std::string, std::string>> out;
    const auto first = bytes.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && bytes[first] == '[') {
        try {
            const common::Json j = common::Json::parse(bytes);
            for (const common::Json& row : j.items()) {
                std::map<std::string, std::string> r;
                for (const auto& [k, v] : row.members()) r[k] = v.text();
                out.push_back(std::move(r));
            }
        } catch (const common::JsonError& e) {
            throw AdsError(AdsError::Kind::Download, std::string("the Walmart Connect report is not readable JSON: ") + e.what());
        }
        return out;
    }
    // CSV (RFC 4180): quoted fields may hold commas, quotes ("") and line breaks.
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    bool any = false;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < bytes.size() && bytes[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.push_back(c);
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                record.push_back(std::move(field));
                records.push_back(std::move(record));
            }
            record.clear();
            field.clear();
            any = false;
        } else {
            field.push_back(c);
            any = true;
        }
    }
    if (quoted) throw AdsError(AdsError::Kind::Download, "the Walmart Connect report ends inside a quoted field");
    if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
    }
    if (records.empty()) return out;
    const auto& header = records.front();
    for (std::size_t r = 1; r < records.size(); ++r) {
        if (records[r].size() != header.size()) {
            throw AdsError(AdsError::Kind::Download, "the Walmart Connect report's line " + std::to_string(r + 1) +
                                                         " has " + std::to_string(records[r].size()) + " fields, the header " +
                                                         std::to_string(header.size()));
        }
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < header.size(); ++c) row[header[c]] = records[r][c];
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<store::AdSpendRow> walmartSpendRows(const std::vector<std::map<std::string, std::string>>& table,
                                                const WalmartColumns& columns,
                                                const std::map<std::string, std::string>& skuByItem,
                                                std::string_view fromDate, std::string_view toDate) {
    std::vector<store::AdSpendRow> out;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& row = table[i];
        auto required = [&](const std::string& field) -> std::string {
            const std::string* v = lookup(row, columns.adItem, field);
            if (v == nullptr || v->empty()) badRow(i, field, "missing");
            return *v;
        };
        auto money = [&](const std::string& field) -> common::Cents {
            const std::string* v = lookup(row, columns.adItem, field);
            if (v == nullptr || v->empty()) return 0;
            const auto c = common::decimalToCents(*v);
            if (!c) badRow(i, field, "\"" + *v + "\" is not an amount");
            return *c;
        };
        auto count = [&](const std::string& field) -> std::int64_t {
            const std::string* v = lookup(row, columns.adItem, field);
            if (v == nullptr || v->empty()) return 0;
            const auto c = common::decimalToCount(*v);
            if (!c) badRow(i, field, "\"" + *v + "\" is not a count");
            return *c;
        };
        store::AdSpendRow r;
        r.adProduct = std::string(store::kAdProductWalmart);
        r.date = normalDate(required("date"));
        if (r.date < fromDate || r.date > toDate || r.date.size() != 10) {
            badRow(i, "date", r.date + " is outside " + std::string(fromDate) + ".." + std::string(toDate));
        }
        r.campaignId = required("campaignId");
        r.asin = required("itemId");
        if (const auto sku = skuByItem.find(r.asin); sku != skuByItem.end()) r.sku = sku->second;
        r.cost = money("cost");
        r.sales = money("sales");
        r.clicks = count("clicks");
        r.impressions = count("impressions");
        r.purchases = count("purchases");
        out.push_back(std::move(r));
    }
    return out;
}

std::map<std::string, std::string> walmartSkuByItem(const std::vector<std::map<std::string, std::string>>& table,
                                                    const WalmartColumns& columns) {
    std::map<std::string, std::string> out;
    for (const auto& row : table) {
        const std::string* item = lookup(row, columns.item, "itemId");
        const std::string* sku = lookup(row, columns.item, "sku");
        if (item != nullptr && sku != nullptr && !item->empty() && !sku->empty()) out[*item] = *sku;
    }
    return out;
}

WalmartClient::WalmartClient(WalmartConfig config, WalmartCredentials credentials, net::Clock& clock)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      clock_(clock),
      http_(config_.http),
      backoff_(config_.retry, config_.jitter) {
    while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
    if (config_.endpoint.empty()) throw AdsError(AdsError::Kind::Config, "no Walmart Connect endpoint configured");
}

std::string WalmartClient::signature(std::string_view timestamp) const {
    std::string pem = credentials_.privateKey;
    if (pem.find("-----BEGIN") == std::string::npos) {
        std::string body;
        for (char c : pem) {
            if (c != '\n' && c != '\r' && c != ' ') body.push_back(c);
        }
        pem = "-----BEGIN PRIVATE KEY-----\n";
        for (std::size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
        pem += "-----END PRIVATE KEY-----\n";
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
    if (!key) throw AdsError(AdsError::Kind::Config, "the Walmart Connect private key is not a readable RSA key");
    const std::string data = credentials_.consumerId + "\n" + std::string(timestamp) + "\n" + credentials_.keyVersion + "\n";
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        throw AdsError(AdsError::Kind::Config, "signing the Walmart Connect request failed");
    }
    std::string sig(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        throw AdsError(AdsError::Kind::Config, "signing the Walmart Connect request failed");
    }
    return base64(reinterpret_cast<const unsigned char*>(sig.data()), size);
}

net::HttpResponse WalmartClient::call(const std::string& what, const std::string& method, const std::string& url,
                                         const std::string& body) {
    net::SendHooks hooks;
    hooks.build = [&] {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wallNow().time_since_epoch()).count();
        const std::string timestamp = std::to_string(ms);
        net::HttpRequest request;
        request.method = method;
        request.url = url;
        request.headers = {{"Authorization", "Bearer " + credentials_.authToken},
                           {"WM_CONSUMER.ID", credentials_.consumerId},
                           {"WM_SEC.KEY_VERSION", credentials_.keyVersion},
                           {"WM_CONSUMER.intimestamp", timestamp},
                           {"WM_SEC.AUTH_SIGNATURE", signature(timestamp)},
                           {"Accept", "application/json"}};
        if (method == "POST") {
            request.body = body;
            request.contentType = "application/json";
        }
        return request;
    };
    net::SendRules rules;
    rules.retryAnyNetworkFailure = true;
    rules.capRetryAfter = false;
    rules.stopBeforeEachTry = true;
    net::HttpResponse response = net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks, rules).response;
    if (response.status >= 200 && response.status < 300) return response;
    const AdsError::Kind kind = response.status == 401 || response.status == 403 ? AdsError::Kind::AccessDenied
                                : response.status == 429                        ? AdsError::Kind::Throttled
                                : response.status >= 500                        ? AdsError::Kind::Server
                                                                                : AdsError::Kind::BadRequest;
    throw AdsError(kind, response.status, "", response.body.substr(0, 300),
                   "Walmart Connect refused " + what + " (HTTP " + std::to_string(response.status) + ")" +
                       (kind == AdsError::Kind::AccessDenied ? ": check the auth token, consumer id and key" : ""));
}

std::string WalmartClient::snapshot(std::string_view advertiserId, std::string_view reportType,
                                    const std::vector<std::string>& metrics, std::string_view fromDate,
                                    std::string_view toDate) {
    std::string body = "{\"advertiserId\":" + std::string(advertiserId) + ",\"reportType\":" + common::jsonQuote(reportType) +
                       ",\"reportMetrics\":[";
    for (std::size_t i = 0; i < metrics.size(); ++i) body += (i ? "," : "") + common::jsonQuote(metrics[i]);
    body += "]";
    if (!fromDate.empty()) body += ",\"startDate\":" + common::jsonQuote(fromDate) + ",\"endDate\":" + common::jsonQuote(toDate);
    body += "}";
    const std::string what = "the " + std::string(reportType) + " snapshot";
    auto read = [&](const net::HttpResponse& r) {
        try {
            return common::Json::parse(r.body);
        } catch (const common::JsonError& e) {
            throw AdsError(AdsError::Kind::Protocol, r.status, "", e.what(),
                           "Walmart Connect answered " + what + " with something unreadable: " + e.what());
        }
    };
    const common::Json created = read(call(what, "POST", config_.endpoint + "/api/v2/snapshot/report", body));
    const std::string snapshotId = created.get("snapshotId");
    if (created.get("code") == "failure" || snapshotId.empty()) {
        throw AdsError(AdsError::Kind::BadRequest, 200, "failure", created.get("details"),
                       "Walmart Connect refused " + what + ": " + created.get("details"));
    }
    const auto started = clock_.now();
    auto wait = config_.pollInitial;
    for (;;) {
        const common::Json s = read(call(what, "GET",
                                 config_.endpoint + "/api/v2/snapshot?advertiserId=" + net::percentEncode(advertiserId) +
                                     "&snapshotId=" + net::percentEncode(snapshotId),
                                 ""));
        const std::string status = s.get("jobStatus");
        if (status == "done") {
            const std::string url = s.get("details");
            if (url.empty()) throw AdsError(AdsError::Kind::Protocol, what + " is done but has no file link");
            const auto file = call(what + " file", "GET", url, "");
            try {
                return amazon::looksGzipped(file.body) ? amazon::gunzip(file.body) : file.body;
            } catch (const amazon::DownloadError& e) {
                throw AdsError(AdsError::Kind::Download, std::string("the Walmart Connect file is damaged: ") + e.what());
            }
        }
        if (status == "failed" || status == "expired") {
            throw AdsError(AdsError::Kind::ReportFailed, 200, status, s.get("details"),
                           "Walmart Connect " + what + " " + status + "; the next sync asks again");
        }
        if (clock_.now() - started + wait > config_.reportTimeout) {
            throw AdsError(AdsError::Kind::Timeout, "Walmart Connect " + what + " is still " + status + "; the next sync asks again");
        }
        if (!clock_.sleepFor(wait, config_.stop)) throw amazon::CancelledError();
        wait = std::min(config_.pollMax, wait * 2);
    }
}

std::vector<store::AdSpendRow> WalmartClient::itemSpend(std::string_view advertiserId, std::string_view fromDate,
                                                        std::string_view toDate, const WalmartColumns& columns) {
    const auto items = readTable(snapshot(advertiserId, columns.itemReportType, columns.itemMetrics(), {}, {}));
    const auto skuByItem = walmartSkuByItem(items, columns);
    const auto table = readTable(snapshot(advertiserId, "adItem", columns.adItemMetrics(), fromDate, toDate));
    return walmartSpendRows(table, columns, skuByItem, fromDate, toDate);
}

}  // namespace settlebridge::ads
