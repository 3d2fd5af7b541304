#include "daemon/domain/records.hpp"

#include <array>
#include <utility>

namespace settlebridge::domain {

namespace {

template <class E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [e, name] : table) {
        if (e == value) return name;
    }
    return "?";
}

template <class E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [e, name] : table) {
        if (name == text) return e;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<CompanyMode, std::string_view>, 2> kModes{{
    {CompanyMode::Testing, "testing"},
    {CompanyMode::Live, "live"},
}};

constexpr std::array<std::pair<SessionState, std::string_view>, 3> kSessionStates{{
    {SessionState::Open, "open"},
    {SessionState::Closed, "closed"},
    {SessionState::Expired, "expired"},
}};

constexpr std::array<std::pair<PendingKind, std::string_view>, 13> kPendingKinds{{
    {PendingKind::None, ""},
    {PendingKind::Preferences, "preferences"},
    {PendingKind::AccountQuery, "account-query"},
    {PendingKind::AccountAdd, "account-add"},
    {PendingKind::CustomerQuery, "customer-query"},
    {PendingKind::CustomerAdd, "customer-add"},
    {PendingKind::ItemQuery, "item-query"},
    {PendingKind::ItemAdd, "item-add"},
    {PendingKind::DocumentLookup, "document-lookup"},
    {PendingKind::DocumentAdd, "document-add"},
    {PendingKind::NameQuery, "name-query"},
    {PendingKind::TaxCodeQuery, "tax-code-query"},
    {PendingKind::CurrencyQuery, "currency-query"},
}};

constexpr std::array<std::pair<SettlementState, std::string_view>, 2> kSettlementStates{{
    {SettlementState::Active, "active"},
    {SettlementState::Conflict, "conflict"},
}};

constexpr std::array<std::pair<DocKind, std::string_view>, 4> kDocKinds{{
    {DocKind::Receipt, "receipt"},
    {DocKind::CreditMemo, "credit_memo"},
    {DocKind::RefundPayment, "refund_payment"},
    {DocKind::Transfer, "transfer"},
}};

constexpr std::array<std::pair<DocState, std::string_view>, 5> kDocStates{{
    {DocState::Held, "held"},
    {DocState::Queued, "queued"},
    {DocState::Sent, "sent"},
    {DocState::Posted, "posted"},
    {DocState::Failed, "failed"},
}};

constexpr std::array<std::pair<ListKind, std::string_view>, 3> kListKinds{{
    {ListKind::Item, "item"},
    {ListKind::Account, "account"},
    {ListKind::Customer, "customer"},
}};

constexpr std::array<std::pair<EventLevel, std::string_view>, 4> kLevels{{
    {EventLevel::Debug, "debug"},
    {EventLevel::Info, "info"},
    {EventLevel::Warning, "warning"},
    {EventLevel::Error, "error"},
}};

}  // namespace

std::string_view toString(CompanyMode mode) { return nameOf(kModes, mode); }
std::optional<CompanyMode> parseCompanyMode(std::string_view text) { return valueOf(kModes, text); }
std::string_view toString(SessionState state) { return nameOf(kSessionStates, state); }
std::optional<SessionState> parseSessionState(std::string_view text) { return valueOf(kSessionStates, text); }
std::string_view toString(PendingKind kind) { return nameOf(kPendingKinds, kind); }
std::optional<PendingKind> parsePendingKind(std::string_view text) { return valueOf(kPendingKinds, text); }
std::string_view toString(SettlementState state) { return nameOf(kSettlementStates, state); }
std::optional<SettlementState> parseSettlementState(std::string_view text) {
    return valueOf(kSettlementStates, text);
}
std::string_view toString(DocKind kind) { return nameOf(kDocKinds, kind); }
std::optional<DocKind> parseDocKind(std::string_view text) { return valueOf(kDocKinds, text); }
std::string_view toString(DocState state) { return nameOf(kDocStates, state); }
std::optional<DocState> parseDocState(std::string_view text) { return valueOf(kDocStates, text); }
std::string_view toString(ListKind kind) { return nameOf(kListKinds, kind); }
std::string_view toString(EventLevel level) { return nameOf(kLevels, level); }
std::optional<EventLevel> parseEventLevel(std::string_view text) { return valueOf(kLevels, text); }

}  // namespace settlebridge::domain
