#pragma once
// Deterministic ExternalGUIDs for the documents Settlebridge posts.
//
// QuickBooks stores an ExternalGUID on a transaction (GUIDTYPE: `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`) and returns
// it in query answers and in an add's ErrorRecovery block. Settlebridge derives it from the document's external key
// ("<settlement-id>:<kind>:<part>") as a name-based UUID (RFC 4122 version 5, SHA-1) in a fixed Settlebridge
// namespace, so the same document always carries the same GUID, whichever machine renders it, and a GUID found in
// QuickBooks proves which document it is.

#include <string>
#include <string_view>

namespace settlebridge::qbxml {

/// The namespace UUID of every Settlebridge ExternalGUID (never change it: posted documents carry GUIDs made with it).
inline constexpr std::string_view kExternalGuidNamespace = "d2fe8cad-715d-4cf7-a862-948f1e4607cb";

/// `{XXXXXXXX-XXXX-5XXX-YXXX-XXXXXXXXXXXX}` (upper case, braces) for `externalKey`. Throws std::invalid_argument for
/// an empty key.
std::string externalGuid(std::string_view externalKey);

/// True when two GUID texts name the same GUID: braces optional, case-insensitive (QuickBooks may echo either case).
bool sameGuid(std::string_view a, std::string_view b) noexcept;

}  // namespace settlebridge::qbxml
