#pragma once
// The rules for the Sellercloud settings a person sets (the login and what reconnecting changes, the custom column
// names, the hour of the daily send, SKUs linked by hand), shared by the CLI (`settlebridge sellercloud columns|link`) and the admin page so both
// refuse the same values with the same words (`sellercloud connect` and the connection form save the login through
// saveSellercloudLogin, so they also reconnect the same way). The product linking rules are checked by
// sellercloud::parseLinkRules (they are the sellercloud layer's names).
//
//     auto problems = store::checkSellercloudColumns(connection.columns);
//     if (auto p = store::checkSellercloudSendHour(hour)) refuse(p->field, p->message);

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"
#include "daemon/store/sellercloud_connections.hpp"

namespace settlebridge::store {

class Database;
class SecretBox;

/// One refused value: the setting's key ("team_name", "server_id", "base_url", "username", "password", "column_day", "column_7d", "column_30d", "column_sales", "column_acos",
/// "send_hour", "sku", "product_id", "sc_company_id") and a message for people that names the setting.
struct SellercloudSettingProblem {
    std::string field;
    std::string message;
};

inline constexpr std::size_t kMaxSellercloudColumnName = 100;
inline constexpr std::size_t kMaxSellercloudLinkValue = 200;
inline constexpr std::int64_t kMaxSellercloudCompanyId = 2'000'000'000;

/// The setting's key of each custom column, in the order of SellercloudColumns ("column_day", ...).
struct SellercloudColumnField {
    std::string_view field;
    std::string_view label;  // "the last day's ad spend column"
    std::string SellercloudColumns::*member;
};
const std::vector<SellercloudColumnField>& sellercloudColumnFields();

/// Each name is "" (not written) or 1–100 characters without commas, control characters or blanks at either end;
/// no two columns share a name; at least one column is written.
std::vector<SellercloudSettingProblem> checkSellercloudColumns(const SellercloudColumns& columns);

/// The local hour of the daily send: 0 to 23.
std::optional<SellercloudSettingProblem> checkSellercloudSendHour(std::int64_t hour);

/// A SKU linked by hand to a Sellercloud product: the SKU and the product ID 1–200 characters without control
/// characters or blanks at either end; the Sellercloud company id 1 to 2,000,000,000.
std::vector<SellercloudSettingProblem> checkSellercloudManualLink(std::string_view sku, std::string_view productId,
                                                                  std::int64_t scCompanyId);

/// A Sellercloud login as a person gives it: where (one of the team name, the server id and the REST address) and
/// who. An empty password keeps the stored one.
struct SellercloudLogin {
    std::string teamName;
    std::string serverId;
    std::string baseUrl;
    std::string username;
    std::string password;
};

/// A REST address the Sellercloud password may be sent to: https://HOST..., or http:// only to this machine
/// (localhost, 127.0.0.0/8, ::1: a simulator or a local proxy). Anything else would put the password on the wire
/// in clear.
bool sellercloudAddressAcceptable(std::string_view url);

/// True when `login` names another server than `stored`: another team name or REST address, or a server id that
/// differs from the stored one (a team's looked-up server id is not compared with an empty one).
bool sellercloudEndpointChanged(const SellercloudConnection& stored, const SellercloudLogin& login);

/// Trims the blanks around the team name, server id, REST address and user name, then checks: exactly one of team
/// name (at most 100 characters), server id (letters, digits and inner hyphens, at most 63) and REST address
/// (https://, or http:// to this machine only; at most 500 characters, no blanks); a user name of 1 to 256
/// characters; a password of at most 1024 characters; no control characters anywhere. The password may be left
/// empty (keeping the stored one) only when `stored` has a password and the login names the same server: a stored
/// password is never sent to a server it was not entered for.
std::vector<SellercloudSettingProblem> checkSellercloudLogin(SellercloudLogin& login,
                                                             const std::optional<SellercloudConnection>& stored);

/// What saveSellercloudLogin did.
struct SellercloudLoginSaved {
    SellercloudConnection connection;
    bool added = false;            // the company had no connection
    bool endpointChanged = false;  // another team name, REST address or server id than before
    int linksDropped = 0;          // cached product links dropped because the endpoint changed
    /// Set when nothing was saved: the endpoint changed (since the caller's check, by another request) and no
    /// password came with the login.
    std::optional<SellercloudSettingProblem> refused;
};

/// The reconnect rule, in the caller's transaction: a company without a connection gets one; else the existing one
/// changes: another endpoint (team name, REST address, or a server id that differs from the stored one) replaces
/// the endpoint (a team name's server is looked up again) and drops the cached product links, the hand-made ones
/// stay (another server means other products); the same endpoint keeps the links and the server found for a team.
/// Another endpoint, user name or a new password clears the last test's verdict. The password is replaced only when
/// one is given; a changed endpoint without a password saves nothing (`refused`). `login` must have passed
/// checkSellercloudLogin.
SellercloudLoginSaved saveSellercloudLogin(Database& db, const SecretBox& box, std::int64_t companyId,
                                           const SellercloudLogin& login, Timestamp now);

}  // namespace settlebridge::store
