#pragma once
// Companies (one per QuickBooks company file / Web Connector user) and their category accounts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/crypto.hpp"
#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

class Companies {
public:
    explicit Companies(Database& db) noexcept : db_(db) {}

    /// Creates a company with a PBKDF2-SHA256 hash of `password` (the password itself is never stored).
    /// Empty ownerId/fileId get fresh GUIDs. Throws StoreError if the name is taken (case-insensitively).
    Company create(Company company, std::string_view password, Timestamp now,
                   int iterations = kDefaultPbkdf2Iterations);

    std::optional<Company> find(std::int64_t id);
    std::optional<Company> findByName(std::string_view name);
    std::vector<Company> list();

    /// Writes every setting and learned field of `company` (matched by id). Throws if it does not exist.
    void update(const Company& company, Timestamp now);

    /// The stored hash of `name`'s password; nullopt for an unknown user.
    std::optional<PasswordHash> passwordHash(std::string_view name);
    void setPassword(std::int64_t companyId, std::string_view password, Timestamp now,
                     int iterations = kDefaultPbkdf2Iterations);

    /// Account used when Settlebridge creates the item of `category` ("" category never matches).
    std::optional<CategoryAccount> categoryAccount(std::int64_t companyId, std::string_view category);
    std::vector<CategoryAccount> categoryAccounts(std::int64_t companyId);
    void setCategoryAccount(std::int64_t companyId, const CategoryAccount& account);

private:
    Database& db_;
};

}  // namespace settlebridge::store
