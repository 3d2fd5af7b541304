#include "daemon/store/companies.hpp"

#include "daemon/store/password_columns.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

constexpr std::string_view kColumns =
    "id, name, mode, company_file, time_zone, customer_name, clearing_account, bank_account, post_transfer, "
    "auto_create_items, fallback_item, sku_income_account, charge_account, charge_account_type, owner_id, file_id, "
    "run_every_minutes, qbxml_version, qb_product, multicurrency, closing_date, home_currency, sales_tax, "
    "non_taxable_code, created_at, updated_at, auto_live_days, live_since";

std::string select(std::string_view where) {
    std::string sql = "SELECT ";
    sql += kColumns;
    sql += " FROM companies ";
    sql += where;
    return sql;
}

Company readCompany(const Query& q) {
    Company c;
    c.id = q.getInt(0);
    c.name = q.getText(1);
    c.mode = parseCompanyMode(q.getText(2)).value_or(CompanyMode::Testing);
    c.companyFile = q.getText(3);
    c.timeZone = q.getText(4);
    c.customerName = q.getText(5);
    c.clearingAccount = q.getText(6);
    c.bankAccount = q.getText(7);
    c.postTransfer = q.getInt(8) != 0;
    c.autoCreateItems = q.getInt(9) != 0;
    c.fallbackItem = q.getText(10);
    c.skuIncomeAccount = q.getText(11);
    c.chargeAccount = q.getText(12);
    c.chargeAccountType = q.getText(13);
    c.ownerId = q.getText(14);
    c.fileId = q.getText(15);
    c.runEveryMinutes = static_cast<int>(q.getInt(16));
    c.qbxmlVersion = q.getText(17);
    c.qbProduct = q.getText(18);
    if (!q.isNull(19)) c.multiCurrency = q.getInt(19) != 0;
    c.closingDate = q.getText(20);
    c.homeCurrency = q.getText(21);
    if (!q.isNull(22)) c.salesTax = q.getInt(22) != 0;
    c.nonTaxableCode = q.getText(23);
    c.createdAt = q.getInt(24);
    c.updatedAt = q.getInt(25);
    c.autoLiveDays = static_cast<int>(q.getInt(26));
    c.liveSince = q.getInt(27);
    return c;
}

std::optional<std::int64_t> optionalBool(const std::optional<bool>& b) {
    if (!b) return std::nullopt;
    return *b ? 1 : 0;
}

}  // namespace

Company Companies::create(Company company, std::string_view password, Timestamp now, int iterations) {
    if (company.name.empty()) throw StoreError("a company needs a name");
    if (findByName(company.name)) throw StoreError("a company named \"" + company.name + "\" already exists");
    if (company.ownerId.empty()) company.ownerId = deterministicGuid("owner:" + uuidV4());
    if (company.fileId.empty()) company.fileId = deterministicGuid("file:" + uuidV4());
    {
        auto insert = db_.query(
            "INSERT INTO companies (name, password_hash, password_salt, password_iterations, owner_id, file_id, "
            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id");
        bindPasswordHash(insert.bind(1, company.name), 2, hashPassword(password, iterations))
            .bind(5, company.ownerId)
            .bind(6, company.fileId)
            .bind(7, now);
        company.id = insert.insertedId();
    }
    company.createdAt = now;
    update(company, now);
    return *find(company.id);
}

std::optional<Company> Companies::find(std::int64_t id) {
    static const std::string sql = select("WHERE id = ?1");
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readCompany(q);
}

std::optional<Company> Companies::findByName(std::string_view name) {
    static const std::string sql = select("WHERE name = ?1");
    auto q = db_.query(sql);
    q.bind(1, name);
    if (!q.next()) return std::nullopt;
    return readCompany(q);
}

std::vector<Company> Companies::list() {
    static const std::string sql = select("ORDER BY name");
    auto q = db_.query(sql);
    std::vector<Company> out;
    while (q.next()) out.push_back(readCompany(q));
    return out;
}

void Companies::update(const Company& c, Timestamp now) {
    const int changed =
        db_.query(
               "UPDATE companies SET name = ?2, mode = ?3, company_file = ?4, time_zone = ?5, customer_name = ?6, "
               "clearing_account = ?7, bank_account = ?8, post_transfer = ?9, auto_create_items = ?10, "
               "fallback_item = ?11, sku_income_account = ?12, charge_account = ?13, charge_account_type = ?14, "
               "owner_id = ?15, file_id = ?16, run_every_minutes = ?17, qbxml_version = ?18, qb_product = ?19, "
               "multicurrency = ?20, closing_date = ?21, home_currency = ?22, sales_tax = ?23, non_taxable_code = ?24, "
               "updated_at = ?25, auto_live_days = ?26, live_since = ?27 WHERE id = ?1")
            .bind(1, c.id)
            .bind(2, c.name)
            .bind(3, toString(c.mode))
            .bind(4, c.companyFile)
            .bind(5, c.timeZone)
            .bind(6, c.customerName)
            .bind(7, c.clearingAccount)
            .bind(8, c.bankAccount)
            .bind(9, c.postTransfer)
            .bind(10, c.autoCreateItems)
            .bind(11, c.fallbackItem)
            .bind(12, c.skuIncomeAccount)
            .bind(13, c.chargeAccount)
            .bind(14, c.chargeAccountType)
            .bind(15, c.ownerId)
            .bind(16, c.fileId)
            .bind(17, c.runEveryMinutes)
            .bind(18, c.qbxmlVersion)
            .bind(19, c.qbProduct)
            .bind(20, optionalBool(c.multiCurrency))
            .bind(21, c.closingDate)
            .bind(22, c.homeCurrency)
            .bind(23, optionalBool(c.salesTax))
            .bind(24, c.nonTaxableCode)
            .bind(25, now)
            .bind(26, c.autoLiveDays)
            .bind(27, c.liveSince)
            .run();
    if (changed != 1) throw StoreError("no company with id " + std::to_string(c.id));
}

std::optional<PasswordHash> Companies::passwordHash(std::string_view name) {
    return readPasswordHash(db_, "companies", name);
}

void Companies::setPassword(std::int64_t companyId, std::string_view password, Timestamp now, int iterations) {
    if (!writePasswordHash(db_, "companies", companyId, hashPassword(password, iterations), now)) {
        throw StoreError("no company with id " + std::to_string(companyId));
    }
}

std::optional<CategoryAccount> Companies::categoryAccount(std::int64_t companyId, std::string_view category) {
    auto q = db_.query(
        "SELECT category, account, account_type FROM category_accounts WHERE company_id = ?1 AND category = ?2");
    q.bind(1, companyId).bind(2, category);
    if (!q.next()) return std::nullopt;
    return CategoryAccount{q.getText(0), q.getText(1), q.getText(2)};
}

std::vector<CategoryAccount> Companies::categoryAccounts(std::int64_t companyId) {
    auto q = db_.query(
        "SELECT category, account, account_type FROM category_accounts WHERE company_id = ?1 ORDER BY category");
    q.bind(1, companyId);
    std::vector<CategoryAccount> out;
    while (q.next()) out.push_back(CategoryAccount{q.getText(0), q.getText(1), q.getText(2)});
    return out;
}

void Companies::setCategoryAccount(std::int64_t companyId, const CategoryAccount& account) {
    db_.query(
           "INSERT INTO category_accounts (company_id, category, account, account_type) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT (company_id, category) DO UPDATE SET account = excluded.account, "
           "account_type = excluded.account_type")
        .bind(1, companyId)
        .bind(2, account.category)
        .bind(3, account.account)
        .bind(4, account.accountType)
        .run();
}

}  // namespace settlebridge::store
