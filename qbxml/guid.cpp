#include "qbxml/guid.hpp"

#include <stdexcept>

#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>

#include "daemon/common/text.hpp"

namespace settlebridge::qbxml {
namespace {

std::string_view stripBraces(std::string_view text) noexcept {
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

}  // namespace

std::string externalGuid(std::string_view externalKey) {
    if (externalKey.empty()) {
        throw std::invalid_argument("externalGuid: the external key is empty");
    }
    static const Poco::UUID kNamespace{std::string(kExternalGuidNamespace)};
    Poco::SHA1Engine sha1;
    const Poco::UUID uuid = Poco::UUIDGenerator::defaultGenerator().createFromName(
        kNamespace, std::string(externalKey), sha1, Poco::UUID::UUID_NAME_BASED_SHA1);
    return "{" + common::asciiUpper(uuid.toString()) + "}";
}

bool sameGuid(std::string_view a, std::string_view b) noexcept {
    a = stripBraces(a);
    b = stripBraces(b);
    return !a.empty() && common::equalsIgnoreCaseAscii(a, b);
}

}  // namespace settlebridge::qbxml
