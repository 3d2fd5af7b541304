#include "daemon/store/sellercloud_settings.hpp"

#include <algorithm>
#include <cctype>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "daemon/common/text.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

bool hasControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

bool blankAtAnEnd(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    return !text.empty() && (blank(text.front()) || blank(text.back()));
}

/// The problem with one free-text value (a column name, a SKU, a product ID), or "" when it is fine.
std::string textProblem(std::string_view what, std::string_view value, std::size_t maxLength) {
    const std::string quoted = "\"" + std::string(value.substr(0, 60)) + (value.size() > 60 ? "…" : "") + "\"";
    if (value.size() > maxLength) {
        return std::string(what) + " can have at most " + std::to_string(maxLength) + " characters";
    }
    if (hasControl(value)) return std::string(what) + " cannot contain tabs, line breaks or other control characters";
    if (blankAtAnEnd(value)) {
        return std::string(what) + " " + quoted + " starts or ends with a space: remove it (names are compared exactly)";
    }
    return {};
}

std::string trimmed(std::string text) {
    const auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && blank(text.back())) text.pop_back();
    std::size_t first = 0;
    while (first < text.size() && blank(text[first])) ++first;
    return text.substr(first);
}

/// The problem of the stored password with another server, worded for people.
SellercloudSettingProblem passwordAgain() {
    return {"password", "the Sellercloud address changed: enter the password again (the stored one is only ever "
                        "sent to the server it was entered for)"};
}

}  // namespace

bool sellercloudAddressAcceptable(std::string_view url) {
    Poco::URI uri;
    try {
        uri = Poco::URI(std::string(url));
    } catch (const Poco::Exception&) {
        return false;
    }
    const std::string scheme = uri.getScheme();
    std::string host = uri.getHost();
    if (host.empty()) return false;
    if (scheme == "https") return true;
    if (scheme != "http") return false;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (common::equalsIgnoreCaseAscii(host, "localhost") || host == "::1") return true;
    // 127.0.0.0/8 as a dotted quad of digits only (so "127.0.0.1.attacker.example" is not loopback).
    if (host.rfind("127.", 0) != 0) return false;
    return std::count(host.begin(), host.end(), '.') == 3 &&
           std::all_of(host.begin(), host.end(), [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); });
}

bool sellercloudEndpointChanged(const SellercloudConnection& stored, const SellercloudLogin& login) {
    return stored.teamName != login.teamName || stored.baseUrl != login.baseUrl ||
           (!login.serverId.empty() && stored.serverId != login.serverId);
}

const std::vector<SellercloudColumnField>& sellercloudColumnFields() {
    static const std::vector<SellercloudColumnField> fields{
        {"column_day", "the last day's ad spend column", &SellercloudColumns::spendDay},
        {"column_7d", "the 7-day ad spend column", &SellercloudColumns::spend7d},
        {"column_30d", "the 30-day ad spend column", &SellercloudColumns::spend30d},
        {"column_sales", "the 30-day attributed sales column", &SellercloudColumns::sales30d},
        {"column_acos", "the 30-day ACoS column", &SellercloudColumns::acos30d},
    };
    return fields;
}

std::vector<SellercloudSettingProblem> checkSellercloudColumns(const SellercloudColumns& columns) {
    std::vector<SellercloudSettingProblem> problems;
    const auto& fields = sellercloudColumnFields();
    bool anyWritten = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& name = columns.*(fields[i].member);
        if (name.empty()) continue;
        anyWritten = true;
        std::string problem = textProblem(fields[i].label, name, kMaxSellercloudColumnName);
        if (problem.empty() && name.find(',') != std::string::npos) {
            problem = std::string(fields[i].label) + " \"" + name + "\" cannot contain a comma";
        }
        if (problem.empty()) {
            for (std::size_t j = 0; j < i; ++j) {
                if (columns.*(fields[j].member) == name) {
                    problem = std::string(fields[i].label) + " has the same name as " + std::string(fields[j].label) +
                              " (\"" + name + "\"): each figure needs a column of its own";
                    break;
                }
            }
        }
        if (!problem.empty()) problems.push_back({std::string(fields[i].field), problem});
    }
    if (!anyWritten) {
        problems.push_back({std::string(fields.front().field),
                            "name at least one custom column: with every name empty nothing is written to Sellercloud"});
    }
    return problems;
}

std::optional<SellercloudSettingProblem> checkSellercloudSendHour(std::int64_t hour) {
    if (hour >= 0 && hour <= 23) return std::nullopt;
    return SellercloudSettingProblem{"send_hour",
                                     "the hour of the daily send must be a whole number from 0 to 23 (the ads "
                                     "profile's local time; 9 = from 9:00)"};
}

std::vector<SellercloudSettingProblem> checkSellercloudManualLink(std::string_view sku, std::string_view productId,
                                                                  std::int64_t scCompanyId) {
    std::vector<SellercloudSettingProblem> problems;
    if (sku.empty()) {
        problems.push_back({"sku", "enter the advertised SKU"});
    } else if (std::string p = textProblem("the SKU", sku, kMaxSellercloudLinkValue); !p.empty()) {
        problems.push_back({"sku", p});
    }
    if (productId.empty()) {
        problems.push_back({"product_id", "enter the Sellercloud product ID the SKU belongs to"});
    } else if (std::string p = textProblem("the product ID", productId, kMaxSellercloudLinkValue); !p.empty()) {
        problems.push_back({"product_id", p});
    }
    if (scCompanyId < 1 || scCompanyId > kMaxSellercloudCompanyId) {
        problems.push_back({"sc_company_id", "the Sellercloud company id must be a whole number from 1 to 2,000,000,000 "
                                             "(see the companies Sellercloud lists)"});
    }
    return problems;
}

std::vector<SellercloudSettingProblem> checkSellercloudLogin(SellercloudLogin& login,
                                                             const std::optional<SellercloudConnection>& stored) {
    login.teamName = trimmed(login.teamName);
    login.serverId = trimmed(login.serverId);
    login.baseUrl = trimmed(login.baseUrl);
    login.username = trimmed(login.username);
    std::vector<SellercloudSettingProblem> problems;
    const int ways = (login.teamName.empty() ? 0 : 1) + (login.serverId.empty() ? 0 : 1) + (login.baseUrl.empty() ? 0 : 1);
    if (ways == 0) {
        problems.push_back({"team_name", "give the Sellercloud team name (what you type on Sellercloud's login page), "
                                         "the server id or the REST address"});
    } else if (ways > 1) {
        problems.push_back({"team_name", "give only one of the team name, the server id and the REST address"});
    }
    if (!login.teamName.empty() && (login.teamName.size() > 100 || hasControl(login.teamName))) {
        problems.push_back({"team_name", "a team name has at most 100 characters and no control characters"});
    }
    if (const std::string& id = login.serverId; !id.empty()) {
        const bool ok = id.size() <= 63 && id.front() != '-' && id.back() != '-' &&
                        std::all_of(id.begin(), id.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                        });
        if (!ok) {
            problems.push_back({"server_id", "a server id is the first part of your Sellercloud address "
                                             "(xx in xx.cwa.sellercloud.com): letters, digits and hyphens"});
        }
    }
    if (const std::string& url = login.baseUrl;
        !url.empty() && (url.size() > 500 || hasControl(url) || url.find(' ') != std::string::npos ||
                         !sellercloudAddressAcceptable(url))) {
        problems.push_back({"base_url", "the REST address must be an https:// URL (http:// only to this machine: "
                                        "localhost or 127.0.0.1)"});
    }
    if (login.username.empty()) {
        problems.push_back({"username", "enter the Sellercloud user name"});
    } else if (login.username.size() > 256 || hasControl(login.username)) {
        problems.push_back({"username", "a user name has at most 256 characters and no control characters"});
    }
    if (login.password.size() > 1024 || hasControl(login.password)) {
        problems.push_back({"password", "a password has at most 1024 characters and no control characters"});
    } else if (login.password.empty() && (!stored || !stored->hasPassword)) {
        problems.push_back({"password", "enter the Sellercloud password"});
    } else if (login.password.empty() && sellercloudEndpointChanged(*stored, login)) {
        problems.push_back(passwordAgain());
    }
    return problems;
}

SellercloudLoginSaved saveSellercloudLogin(Database& db, const SecretBox& box, std::int64_t companyId,
                                           const SellercloudLogin& login, Timestamp now) {
    SellercloudConnections connections(db);
    SellercloudLoginSaved saved;
    SellercloudConnection c = connections.findByCompany(companyId).value_or(SellercloudConnection{});
    saved.added = c.id == 0;
    saved.endpointChanged = sellercloudEndpointChanged(c, login);
    if (!saved.added && saved.endpointChanged && login.password.empty()) {
        // Changed by another request since the caller's check: the stored password does not go to the new address.
        saved.refused = passwordAgain();
        saved.connection = c;
        return saved;
    }
    c.companyId = companyId;
    if (saved.endpointChanged) {
        c.teamName = login.teamName;
        c.serverId = login.serverId;  // a team name's server is looked up again
        c.baseUrl = login.baseUrl;
    }
    const bool loginChanged = c.username != login.username || !login.password.empty();
    c.username = login.username;
    if (saved.endpointChanged || loginChanged) {
        c.testVerdict.clear();
        c.testMessage.clear();
        c.testedAt = 0;
    }
    const std::int64_t id = saved.added ? connections.create(c, now).id : (connections.update(c, now), c.id);
    if (!login.password.empty()) connections.setPassword(id, box, login.password, now);
    if (!saved.added && saved.endpointChanged) saved.linksDropped = SellercloudProducts(db).dropLinks(id);
    saved.connection = *connections.find(id);
    return saved;
}

}  // namespace settlebridge::store
