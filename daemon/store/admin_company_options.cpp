#include "daemon/store/admin_company_options.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

CompanyOptions CompanyOptionsRepo::get(std::int64_t companyId) {
    auto q = db_.query(
        "SELECT split_months, mapping_text, mapping_revision, updated_at, download_window_days, sync_every_minutes, "
        "tax_registered FROM company_options WHERE company_id = ?1");
    q.bind(1, companyId);
    CompanyOptions o;
    o.companyId = companyId;
    if (!q.next()) return o;
    o.splitMonths = q.getInt(0) != 0;
    o.mappingText = q.getText(1);
    o.mappingRevision = static_cast<int>(q.getInt(2));
    o.updatedAt = q.getInt(3);
    o.downloadWindowDays = static_cast<int>(q.getInt(4));
    o.syncEveryMinutes = static_cast<int>(q.getInt(5));
    o.taxRegistered = q.getInt(6) != 0;
    return o;
}

CompanyOptions CompanyOptionsRepo::save(const CompanyOptions& options, Timestamp now) {
    CompanyOptions stored = get(options.companyId);
    if (stored.mappingText != options.mappingText) stored.mappingRevision += 1;
    stored.splitMonths = options.splitMonths;
    stored.mappingText = options.mappingText;
    stored.downloadWindowDays = options.downloadWindowDays;
    stored.syncEveryMinutes = options.syncEveryMinutes;
    stored.taxRegistered = options.taxRegistered;
    stored.updatedAt = now;
    db_.query(
           "INSERT INTO company_options (company_id, split_months, mapping_text, mapping_revision, updated_at, "
           "download_window_days, sync_every_minutes, tax_registered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
           "ON CONFLICT (company_id) "
           "DO UPDATE SET split_months = excluded.split_months, mapping_text = excluded.mapping_text, "
           "mapping_revision = excluded.mapping_revision, updated_at = excluded.updated_at, "
           "download_window_days = excluded.download_window_days, sync_every_minutes = excluded.sync_every_minutes, "
           "tax_registered = excluded.tax_registered")
        .bind(1, stored.companyId)
        .bind(2, stored.splitMonths)
        .bind(3, stored.mappingText)
        .bind(4, stored.mappingRevision)
        .bind(5, now)
        .bind(6, stored.downloadWindowDays)
        .bind(7, stored.syncEveryMinutes)
        .bind(8, stored.taxRegistered)
        .run();
    return stored;
}

}  // namespace settlebridge::store
