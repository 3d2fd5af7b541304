#pragma once
// The store reads and writes the posting domain's records (daemon/domain/records.hpp); these are their names in the
// store's namespace, so the repositories and their callers read as before.

#include "daemon/domain/records.hpp"

namespace settlebridge::store {

using domain::Cents;
using domain::Timestamp;
using domain::CompanyMode;
using domain::toString;
using domain::parseCompanyMode;
using domain::Company;
using domain::CategoryAccount;
using domain::SessionState;
using domain::parseSessionState;
using domain::PendingKind;
using domain::parsePendingKind;
using domain::WcSession;
using domain::SessionMark;
using domain::SettlementState;
using domain::parseSettlementState;
using domain::SettlementRecord;
using domain::SummaryRecord;
using domain::DocKind;
using domain::DocState;
using domain::parseDocKind;
using domain::parseDocState;
using domain::Document;
using domain::ListKind;
using domain::QbListEntry;
using domain::SkuItem;
using domain::EventLevel;
using domain::parseEventLevel;
using domain::Event;

}  // namespace settlebridge::store
