#include "qbxml/version.hpp"

#include <charconv>

namespace settlebridge::qbxml {
namespace {

std::optional<int> parseNumber(std::string_view text) noexcept {
    if (text.empty() || text.size() > 4 || text.front() < '0' || text.front() > '9') {
        return std::nullopt;
    }
    int value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

/// The QuickBooks Desktop release that goes with a qbXML level: QuickBooks Pro 2006 reports 5.0 and QuickBooks Pro 2014
/// reports 13.0 (the captured HostRets in shared/spec/qbwc/envelopes), one qbXML major version per yearly release
/// in between. Used only to word the refusal ("... or similar").
std::string releaseFor(const QbxmlVersion& level) {
    if (level.major >= 5 && level.major <= 12) {
        return "QuickBooks " + std::to_string(2001 + level.major);
    }
    return "a QuickBooks release older than 2006";
}

VersionChoice decide(const QbxmlVersion& level, bool known) {
    VersionChoice choice;
    choice.hostLevel = level;
    choice.version = kQbxmlVersion;
    if (!known) {
        choice.message =
            "The QuickBooks Web Connector did not say which qbXML version this QuickBooks understands, so "
            "Settlebridge cannot post to it safely. Settlebridge needs QuickBooks Desktop 2014 or newer (qbXML 13.0); "
            "check that QuickBooks is open with the company file and run the Web Connector again.";
        return choice;
    }
    if (level < kQbxmlVersion) {
        choice.message = "This QuickBooks only understands qbXML " + level.text() + " (" + releaseFor(level) +
                         " or similar). Settlebridge needs QuickBooks Desktop 2014 or newer (qbXML 13.0): "
                         "QuickBooks 2013 or older cannot receive these documents. Update QuickBooks Desktop, then "
                         "run the Web Connector again; nothing was posted.";
        return choice;
    }
    choice.accepted = true;
    return choice;
}

}  // namespace

std::string QbxmlVersion::text() const {
    return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<QbxmlVersion> parseQbxmlVersion(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    // Optional country prefix: "CA3.0", "UK2.0".
    std::size_t letters = 0;
    while (letters < text.size() && letters < 2 &&
           ((text[letters] >= 'A' && text[letters] <= 'Z') || (text[letters] >= 'a' && text[letters] <= 'z'))) {
        ++letters;
    }
    text.remove_prefix(letters);
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    const std::optional<int> major = parseNumber(text.substr(0, dot));
    const std::optional<int> minor = parseNumber(text.substr(dot + 1));
    if (!major || !minor) {
        return std::nullopt;
    }
    return QbxmlVersion{*major, *minor};
}

VersionChoice chooseVersion(int reportedMajor, int reportedMinor) {
    const bool known = reportedMajor > 0 && reportedMinor >= 0;
    return decide(QbxmlVersion{known ? reportedMajor : 0, known ? reportedMinor : 0}, known);
}

VersionChoice chooseVersion(const std::vector<std::string>& supportedVersions) {
    std::optional<QbxmlVersion> highest;
    for (const std::string& entry : supportedVersions) {
        const std::optional<QbxmlVersion> version = parseQbxmlVersion(entry);
        if (version && (!highest || *highest < *version)) {
            highest = version;
        }
    }
    return decide(highest.value_or(QbxmlVersion{0, 0}), highest.has_value());
}

VersionChoice chooseVersion(int reportedMajor, int reportedMinor, const std::vector<std::string>& supportedVersions) {
    if (!supportedVersions.empty()) {
        VersionChoice fromList = chooseVersion(supportedVersions);
        if (fromList.hostLevel.major > 0) {
            return fromList;
        }
    }
    return chooseVersion(reportedMajor, reportedMinor);
}

}  // namespace settlebridge::qbxml
