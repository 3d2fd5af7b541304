#pragma once
// Which qbXML version to speak to a QuickBooks host.
//
// Settlebridge writes qbXML 13.0 (QuickBooks Desktop 2014 and later) and nothing else: every request it needs exists
// in 13.0, later QuickBooks releases keep accepting 13.0, and the schema the tests validate against is 13.0. So the
// choice is binary: a host that understands 13.0 gets 13.0 (also when it could do 14.0 or 16.0); an older host is
// refused with a message a bookkeeper can act on. The host tells us its level twice: the Web Connector's
// qbXMLMajorVers/qbXMLMinorVers in sendRequestXML, and the SupportedQBXMLVersion list of the HostQuery answer in the
// first call's strHCPResponse; the list wins when it is there.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::qbxml {

struct QbxmlVersion {
    int major = 13;
    int minor = 0;
    std::string text() const;  ///< "13.0"
    friend auto operator<=>(const QbxmlVersion&, const QbxmlVersion&) = default;
};

/// The version Settlebridge writes, and the minimum a host must support.
inline constexpr QbxmlVersion kQbxmlVersion{13, 0};

/// "13.0" → {13, 0}; a country prefix QuickBooks uses for some editions ("CA3.0", "UK2.0") is ignored.
/// nullopt for anything else.
std::optional<QbxmlVersion> parseQbxmlVersion(std::string_view text) noexcept;

/// The outcome: accepted (the version to write) or refused (a message for the bookkeeper, e.g. for getLastError).
struct VersionChoice {
    bool accepted = false;
    QbxmlVersion version;     ///< what to write when accepted (always 13.0)
    QbxmlVersion hostLevel;   ///< the highest version the host reported (0.0 when it reported none)
    std::string message;      ///< why it was refused ("" when accepted)
};

/// From the Web Connector's qbXMLMajorVers / qbXMLMinorVers.
VersionChoice chooseVersion(int reportedMajor, int reportedMinor);
/// From HostRet's SupportedQBXMLVersion list (entries that are not versions are ignored).
VersionChoice chooseVersion(const std::vector<std::string>& supportedVersions);
/// Both: the SupportedQBXMLVersion list when it is not empty, else the reported major/minor.
VersionChoice chooseVersion(int reportedMajor, int reportedMinor, const std::vector<std::string>& supportedVersions);

}  // namespace settlebridge::qbxml
