#pragma once
// The secrets key check (docs/SCALING.md "Several daemons"): every daemon on one database must seal and open secrets
// with the same key. The first daemon stores its key's check value (SecretBox::keyCheck) in app_settings; a daemon
// whose key has another check value is refused at its start, before it seals or opens anything.

#include <string>
#include <string_view>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;
class SecretBox;

/// The app_settings name of the stored key check value.
inline constexpr std::string_view kKeyCheckSetting = "secrets.key_check";

/// Stores `box`'s key check value when the database has none yet (returns true), or compares it with the stored one
/// (returns false when they agree). Throws SecretError(WrongKey) naming `source` (where the key came from,
/// SecretBox::openForDataDir) when they differ. Run it inside a write transaction.
bool checkSecretsKey(Database& db, const SecretBox& box, std::string_view source, Timestamp now);

}  // namespace settlebridge::store
