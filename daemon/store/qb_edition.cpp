#include "daemon/store/qb_edition.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

void QbEditionRepo::ensureRow(std::int64_t companyId) {
    db_.query("INSERT INTO qb_company_edition (company_id) VALUES (?1) ON CONFLICT (company_id) DO NOTHING")
        .bind(1, companyId)
        .run();
}

EditionInfo QbEditionRepo::get(std::int64_t companyId) {
    auto q = db_.query(
        "SELECT country, tax_codes_read_at, rate_max_age_days FROM qb_company_edition WHERE company_id = ?1");
    q.bind(1, companyId);
    EditionInfo info;
    info.companyId = companyId;
    if (!q.next()) return info;
    info.country = q.getText(0);
    info.taxCodesReadAt = q.getInt(1);
    info.rateMaxAgeDays = static_cast<int>(q.getInt(2));
    return info;
}

void QbEditionRepo::setCountry(std::int64_t companyId, const std::string& country) {
    ensureRow(companyId);
    db_.query("UPDATE qb_company_edition SET country = ?2 WHERE company_id = ?1").bind(1, companyId).bind(2, country).run();
}

void QbEditionRepo::setRateMaxAgeDays(std::int64_t companyId, int days) {
    if (days < 0 || days > 3650) throw StoreError("the exchange rate age limit must be 0 to 3650 days");
    ensureRow(companyId);
    db_.query("UPDATE qb_company_edition SET rate_max_age_days = ?2 WHERE company_id = ?1")
        .bind(1, companyId)
        .bind(2, days)
        .run();
}

std::vector<SalesTaxCode> QbEditionRepo::taxCodes(std::int64_t companyId) {
    auto q = db_.query(
        "SELECT name, is_taxable, description FROM qb_sales_tax_codes WHERE company_id = ?1 ORDER BY name");
    q.bind(1, companyId);
    std::vector<SalesTaxCode> out;
    while (q.next()) out.push_back(SalesTaxCode{q.getText(0), q.getInt(1) != 0, q.getText(2)});
    return out;
}

void QbEditionRepo::replaceTaxCodes(std::int64_t companyId, const std::vector<SalesTaxCode>& codes, Timestamp now) {
    ensureRow(companyId);
    db_.query("DELETE FROM qb_sales_tax_codes WHERE company_id = ?1").bind(1, companyId).run();
    for (const auto& c : codes) {
        db_.query(
               "INSERT INTO qb_sales_tax_codes (company_id, name, is_taxable, description) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT (company_id, name) DO UPDATE SET is_taxable = excluded.is_taxable, "
               "description = excluded.description")
            .bind(1, companyId)
            .bind(2, c.name)
            .bind(3, c.taxable)
            .bind(4, c.description)
            .run();
    }
    db_.query("UPDATE qb_company_edition SET tax_codes_read_at = ?2 WHERE company_id = ?1")
        .bind(1, companyId)
        .bind(2, now)
        .run();
}

void QbEditionRepo::forgetTaxCodes(std::int64_t companyId) {
    db_.query("UPDATE qb_company_edition SET tax_codes_read_at = 0 WHERE company_id = ?1").bind(1, companyId).run();
}

std::optional<CurrencyRate> QbEditionRepo::rate(std::int64_t companyId, const std::string& currency) {
    auto q = db_.query(
        "SELECT currency, rate, as_of, read_at FROM qb_currency_rates WHERE company_id = ?1 AND currency = ?2");
    q.bind(1, companyId).bind(2, currency);
    if (!q.next()) return std::nullopt;
    return CurrencyRate{q.getText(0), q.getText(1), q.getText(2), q.getInt(3)};
}

void QbEditionRepo::rememberRate(std::int64_t companyId, const CurrencyRate& rate) {
    db_.query(
           "INSERT INTO qb_currency_rates (company_id, currency, rate, as_of, read_at) VALUES (?1, ?2, ?3, ?4, ?5) "
           "ON CONFLICT (company_id, currency) DO UPDATE SET rate = excluded.rate, as_of = excluded.as_of, "
           "read_at = excluded.read_at")
        .bind(1, companyId)
        .bind(2, rate.currency)
        .bind(3, rate.rate)
        .bind(4, rate.asOf)
        .bind(5, rate.readAt)
        .run();
}

std::optional<SettlementRate> QbEditionRepo::settlementRate(std::int64_t settlementRow) {
    auto q = db_.query(
        "SELECT currency, home_currency, rate, as_of, source, set_at, set_by FROM settlement_rates "
        "WHERE settlement_row = ?1");
    q.bind(1, settlementRow);
    if (!q.next()) return std::nullopt;
    SettlementRate r;
    r.settlementRow = settlementRow;
    r.currency = q.getText(0);
    r.homeCurrency = q.getText(1);
    r.rate = q.getText(2);
    r.asOf = q.getText(3);
    r.source = q.getText(4);
    r.setAt = q.getInt(5);
    r.setBy = q.getText(6);
    return r;
}

void QbEditionRepo::freezeRate(const SettlementRate& r) {
    db_.query(
           "INSERT INTO settlement_rates (settlement_row, currency, home_currency, rate, as_of, source, set_at, "
           "set_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (settlement_row) DO UPDATE SET "
           "currency = excluded.currency, home_currency = excluded.home_currency, rate = excluded.rate, "
           "as_of = excluded.as_of, source = excluded.source, set_at = excluded.set_at, set_by = excluded.set_by")
        .bind(1, r.settlementRow)
        .bind(2, r.currency)
        .bind(3, r.homeCurrency)
        .bind(4, r.rate)
        .bind(5, r.asOf)
        .bind(6, r.source)
        .bind(7, r.setAt)
        .bind(8, r.setBy)
        .run();
}

void QbEditionRepo::clearSettlementRate(std::int64_t settlementRow) {
    db_.query("DELETE FROM settlement_rates WHERE settlement_row = ?1").bind(1, settlementRow).run();
}

}  // namespace settlebridge::store
