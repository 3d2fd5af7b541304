#include "daemon/store/work_leases.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

bool WorkLeases::claim(std::string_view name, std::string_view holder, Timestamp now, Timestamp until) {
    return db_.query("INSERT INTO work_leases (name, claimed_by, lease_until) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (name) DO UPDATE SET claimed_by = excluded.claimed_by, "
                     "lease_until = excluded.lease_until "
                     "WHERE work_leases.lease_until <= ?4 OR work_leases.claimed_by = excluded.claimed_by")
               .bind(1, name)
               .bind(2, holder)
               .bind(3, until)
               .bind(4, now)
               .run() == 1;
}

void WorkLeases::release(std::string_view name, std::string_view holder) {
    db_.query("DELETE FROM work_leases WHERE name = ?1 AND claimed_by = ?2").bind(1, name).bind(2, holder).run();
}

std::string WorkLeases::holder(std::string_view name, Timestamp now) {
    auto q = db_.query("SELECT claimed_by FROM work_leases WHERE name = ?1 AND lease_until > ?2");
    q.bind(1, name).bind(2, now);
    return q.next() ? q.getText(0) : std::string();
}

}  // namespace settlebridge::store
