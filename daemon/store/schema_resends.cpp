#include "daemon/store/schema_resends.hpp"

namespace settlebridge::store {

std::string_view resendsSchemaSql() {
    return R"SQL(
-- resends: adds sent again after QuickBooks answered "not found" to a lookup (at most 3, then a person decides);
-- check_reason: why a failed document needs a person to check QuickBooks ('answered': QuickBooks answered the add
-- but neither its answer nor a query shows the document; 'resend-limit': sent too often without an answer);
-- add_answer / lookup_answer: QuickBooks' last answers to the add and to the lookup, in words (the evidence).
ALTER TABLE documents ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN check_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN add_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN lookup_answer TEXT NOT NULL DEFAULT '';

-- idle_requests: answers in a row that moved nothing forward (a session stops after a bounded number);
-- notice: said to the Web Connector user with the session's summary ("the previous sync was interrupted; resumed");
-- ended_by_restart: 1 = this session was left open by a daemon that stopped and was ended by the next one at its
-- start, not reported yet; 2 = reported to the next session.
ALTER TABLE wc_sessions ADD COLUMN idle_requests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wc_sessions ADD COLUMN notice TEXT NOT NULL DEFAULT '';
ALTER TABLE wc_sessions ADD COLUMN ended_by_restart INTEGER NOT NULL DEFAULT 0;
)SQL";
}

}  // namespace settlebridge::store
