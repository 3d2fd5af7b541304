#include "daemon/store/sellercloud_sends.hpp"

#include <array>
#include <utility>

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

template <class E, std::size_t N>
std::optional<E> parseName(std::string_view text, const std::array<std::pair<E, std::string_view>, N>& names) {
    for (const auto& [value, name] : names) {
        if (name == text) return value;
    }
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view nameOf(E value, const std::array<std::pair<E, std::string_view>, N>& names) {
    for (const auto& [v, name] : names) {
        if (v == value) return name;
    }
    return names.front().second;
}

constexpr std::array<std::pair<SendKind, std::string_view>, 3> kKinds{
    {{SendKind::Daily, "daily"}, {SendKind::Manual, "manual"}, {SendKind::Clear, "clear"}}};
constexpr std::array<std::pair<SendStatus, std::string_view>, 4> kStatuses{{{SendStatus::Running, "running"},
                                                                            {SendStatus::Ok, "ok"},
                                                                            {SendStatus::Partial, "partial"},
                                                                            {SendStatus::Failed, "failed"}}};
constexpr std::array<std::pair<RecordStatus, std::string_view>, 5> kRecordStatuses{
    {{RecordStatus::Written, "written"},
     {RecordStatus::Unmatched, "unmatched"},
     {RecordStatus::Ambiguous, "ambiguous"},
     {RecordStatus::Failed, "failed"},
     {RecordStatus::Cleared, "cleared"}}};

constexpr std::string_view kSendColumns =
    "id, connection_id, sc_company_id, sc_company_name, profile_rows, profiles, kind, from_date, to_date, currency, "
    "status, records, written, unmatched, failed, message, started_at, finished_at";

SellercloudSend readSend(const Query& q) {
    SellercloudSend s;
    s.id = q.getInt(0);
    s.connectionId = q.getInt(1);
    s.scCompanyId = q.getInt(2);
    s.scCompanyName = q.getText(3);
    s.profileRows = q.getText(4);
    s.profiles = q.getText(5);
    s.kind = parseSendKind(q.getText(6)).value_or(SendKind::Daily);
    s.fromDate = q.getText(7);
    s.toDate = q.getText(8);
    s.currency = q.getText(9);
    s.status = parseSendStatus(q.getText(10)).value_or(SendStatus::Failed);
    s.records = static_cast<int>(q.getInt(11));
    s.written = static_cast<int>(q.getInt(12));
    s.unmatched = static_cast<int>(q.getInt(13));
    s.failed = static_cast<int>(q.getInt(14));
    s.message = q.getText(15);
    s.startedAt = q.getInt(16);
    s.finishedAt = q.getInt(17);
    return s;
}

constexpr std::string_view kRecordColumns =
    "seq, sku, asin, product_id, rule, cost, sales, item_cost, profit, values_written, status, error";

SellercloudSendRecord readRecord(const Query& q) {
    SellercloudSendRecord r;
    r.seq = static_cast<int>(q.getInt(0));
    r.sku = q.getText(1);
    r.asin = q.getText(2);
    r.productId = q.getText(3);
    r.rule = q.getText(4);
    r.cost = q.getInt(5);
    r.sales = q.getInt(6);
    r.itemCost = q.getOptionalInt(7);
    r.profit = q.getOptionalInt(8);
    r.valuesWritten = q.getText(9);
    r.status = parseRecordStatus(q.getText(10)).value_or(RecordStatus::Failed);
    r.error = q.getText(11);
    return r;
}

// The records filter's WHERE clause: ?1 the send, ?2 the outcome (NULL = any), ?3 the text ("" = any).
constexpr std::string_view kRecordWhere =
    " FROM sellercloud_send_records WHERE send_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 = '' OR "
    "instr(lower(sku), lower(?3)) > 0 OR instr(lower(asin), lower(?3)) > 0 OR "
    "instr(lower(product_id), lower(?3)) > 0 OR instr(lower(error), lower(?3)) > 0)";

void bindRecordFilter(Query& q, std::int64_t sendId, const RecordFilter& filter) {
    q.bind(1, sendId);
    if (filter.status) {
        q.bind(2, toString(*filter.status));
    } else {
        q.bindNull(2);
    }
    q.bind(3, filter.text);
}

}  // namespace

std::string_view toString(SendKind kind) { return nameOf(kind, kKinds); }
std::optional<SendKind> parseSendKind(std::string_view text) { return parseName(text, kKinds); }
std::string_view toString(SendStatus status) { return nameOf(status, kStatuses); }
std::optional<SendStatus> parseSendStatus(std::string_view text) { return parseName(text, kStatuses); }
std::string_view toString(RecordStatus status) { return nameOf(status, kRecordStatuses); }
std::optional<RecordStatus> parseRecordStatus(std::string_view text) { return parseName(text, kRecordStatuses); }

std::int64_t SellercloudSends::start(const SellercloudSend& s) {
    return db_.query("INSERT INTO sellercloud_sends (connection_id, sc_company_id, sc_company_name, profile_rows, profiles, "
              "kind, from_date, to_date, currency, status, started_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'running', ?10) RETURNING id")
        .bind(1, s.connectionId)
        .bind(2, s.scCompanyId)
        .bind(3, s.scCompanyName)
        .bind(4, s.profileRows)
        .bind(5, s.profiles)
        .bind(6, toString(s.kind))
        .bind(7, s.fromDate)
        .bind(8, s.toDate)
        .bind(9, s.currency)
        .bind(10, s.startedAt)
        .insertedId();
}

void SellercloudSends::finish(const SellercloudSend& s, const std::vector<SellercloudSendRecord>& records) {
    const int changed =
        db_.query("UPDATE sellercloud_sends SET status = ?2, records = ?3, written = ?4, unmatched = ?5, failed = ?6, "
                  "message = ?7, finished_at = ?8, currency = ?9, profiles = ?10, profile_rows = ?11 WHERE id = ?1")
            .bind(1, s.id)
            .bind(2, toString(s.status))
            .bind(3, s.records)
            .bind(4, s.written)
            .bind(5, s.unmatched)
            .bind(6, s.failed)
            .bind(7, s.message)
            .bind(8, s.finishedAt)
            .bind(9, s.currency)
            .bind(10, s.profiles)
            .bind(11, s.profileRows)
            .run();
    if (changed != 1) throw StoreError("no Sellercloud send with id " + std::to_string(s.id));
    db_.query("DELETE FROM sellercloud_send_records WHERE send_id = ?1").bind(1, s.id).run();
    for (const auto& r : records) {
        db_.query("INSERT INTO sellercloud_send_records (send_id, seq, sku, asin, product_id, rule, cost, sales, "
                  "item_cost, profit, values_written, status, error) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")
            .bind(1, s.id)
            .bind(2, r.seq)
            .bind(3, r.sku)
            .bind(4, r.asin)
            .bind(5, r.productId)
            .bind(6, r.rule)
            .bind(7, r.cost)
            .bind(8, r.sales)
            .bind(9, r.itemCost)
            .bind(10, r.profit)
            .bind(11, r.valuesWritten)
            .bind(12, toString(r.status))
            .bind(13, r.error)
            .run();
    }
}

std::optional<SellercloudSend> SellercloudSends::find(std::int64_t id) {
    static const std::string sql = "SELECT " + std::string(kSendColumns) + " FROM sellercloud_sends WHERE id = ?1";
    auto q = db_.query(sql);
    q.bind(1, id);
    if (!q.next()) return std::nullopt;
    return readSend(q);
}

std::vector<SellercloudSend> SellercloudSends::recent(std::optional<std::int64_t> connectionId, int limit) {
    static const std::string sql = "SELECT " + std::string(kSendColumns) +
                                   " FROM sellercloud_sends WHERE ?1 IS NULL OR connection_id = ?1 "
                                   "ORDER BY id DESC LIMIT ?2";
    auto q = db_.query(sql);
    q.bind(1, connectionId).bind(2, limit);
    std::vector<SellercloudSend> out;
    while (q.next()) out.push_back(readSend(q));
    return out;
}

std::vector<SellercloudSendRecord> SellercloudSends::records(std::int64_t sendId) {
    static const std::string sql =
        "SELECT " + std::string(kRecordColumns) + " FROM sellercloud_send_records WHERE send_id = ?1 ORDER BY seq";
    auto q = db_.query(sql);
    q.bind(1, sendId);
    std::vector<SellercloudSendRecord> out;
    while (q.next()) out.push_back(readRecord(q));
    return out;
}

std::vector<SellercloudSend> SellercloudSends::search(const SendFilter& filter) {
    static const std::string sql =
        "SELECT " + std::string(kSendColumns) +
        " FROM sellercloud_sends WHERE (?1 IS NULL OR connection_id = ?1) AND (?2 IS NULL OR status = ?2) "
        "AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR instr(',' || profile_rows || ',', ',' || ?4 || ',') > 0) "
        "AND (?5 = '' OR instr(lower(profiles), lower(?5)) > 0 OR instr(lower(sc_company_name), lower(?5)) > 0 "
        "OR instr(lower(message), lower(?5)) > 0) AND (?6 IS NULL OR started_at >= ?6) "
        "AND (?7 IS NULL OR started_at < ?7) AND (?8 IS NULL OR id < ?8) ORDER BY id DESC LIMIT ?9 OFFSET ?10";
    auto q = db_.query(sql);
    q.bind(1, filter.connectionId);
    q.bind(2, filter.status ? std::optional<std::string>(std::string(toString(*filter.status))) : std::nullopt);
    q.bind(3, filter.kind ? std::optional<std::string>(std::string(toString(*filter.kind))) : std::nullopt);
    q.bind(4, filter.profileRow ? std::optional<std::string>(std::to_string(*filter.profileRow)) : std::nullopt);
    q.bind(5, filter.text);
    q.bind(6, filter.since);
    q.bind(7, filter.until);
    q.bind(8, filter.beforeId);
    q.bind(9, filter.limit);
    q.bind(10, filter.offset);
    std::vector<SellercloudSend> out;
    while (q.next()) out.push_back(readSend(q));
    return out;
}

std::vector<SellercloudSendRecord> SellercloudSends::records(std::int64_t sendId, const RecordFilter& filter) {
    static const std::string sql =
        "SELECT " + std::string(kRecordColumns) + std::string(kRecordWhere) + " ORDER BY seq LIMIT ?4 OFFSET ?5";
    auto q = db_.query(sql);
    bindRecordFilter(q, sendId, filter);
    q.bind(4, filter.limit).bind(5, filter.offset);
    std::vector<SellercloudSendRecord> out;
    while (q.next()) out.push_back(readRecord(q));
    return out;
}

int SellercloudSends::countRecords(std::int64_t sendId, const RecordFilter& filter) {
    static const std::string sql = "SELECT count(*)" + std::string(kRecordWhere);
    auto q = db_.query(sql);
    bindRecordFilter(q, sendId, filter);
    q.next();
    return static_cast<int>(q.getInt(0));
}

std::vector<std::pair<RecordStatus, int>> SellercloudSends::recordCounts(std::int64_t sendId) {
    auto q = db_.query("SELECT status, count(*) FROM sellercloud_send_records WHERE send_id = ?1 GROUP BY status");
    q.bind(1, sendId);
    std::vector<std::pair<RecordStatus, int>> out;
    while (q.next()) {
        if (const auto status = parseRecordStatus(q.getText(0))) out.emplace_back(*status, static_cast<int>(q.getInt(1)));
    }
    return out;
}

bool SellercloudSends::hasWritten(std::int64_t connectionId, std::int64_t scCompanyId, std::int64_t profileRow) {
    auto q = db_.query("SELECT 1 FROM sellercloud_sends WHERE connection_id = ?1 AND sc_company_id = ?2 AND "
                       "written > 0 AND kind <> 'clear' AND (',' || profile_rows || ',') LIKE ('%,' || ?3 || ',%') "
                       "LIMIT 1");
    q.bind(1, connectionId).bind(2, scCompanyId).bind(3, std::to_string(profileRow));
    return q.next();
}

}  // namespace settlebridge::store
