#include "daemon/store/key_check.hpp"

#include <optional>

#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/secrets.hpp"

namespace settlebridge::store {

bool checkSecretsKey(Database& db, const SecretBox& box, std::string_view source, Timestamp now) {
    AppSettings settings(db);
    const std::string mine = box.keyCheck();
    const std::optional<std::string> stored = settings.get(kKeyCheckSetting);
    if (!stored) {
        settings.set(kKeyCheckSetting, mine, now);
        return true;
    }
    if (*stored == mine) return false;
    throw SecretError(SecretError::Kind::WrongKey,
                      "the secrets key from " + std::string(source) + " is not the key of this database (key check " +
                          mine + ", the database's " + *stored + "): every daemon and command on one database must "
                          "read the same key, from the same secrets.key file or the same $" +
                          SecretBox::kKeyVariable + "; nothing was changed");
}

}  // namespace settlebridge::store
