#include "daemon/net/buffered_message.hpp"

#include <ctime>
#include <fstream>
#include <iterator>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Timestamp.h>

namespace settlebridge::net {

void BufferedResponse::sendFile(const std::string& path, const std::string& mediaType) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Poco::OpenFileException(path);
    }
    const Poco::Timestamp modified = Poco::File(path).getLastModified();
    set("Last-Modified", Poco::DateTimeFormatter::format(modified, Poco::DateTimeFormat::HTTP_FORMAT));
    setContentType(mediaType);
    body_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw Poco::ReadFileException(path);
    }
    sent_ = true;
}

const std::string& httpDate() {
    thread_local std::time_t cachedSecond = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return cached;
}

void appendHeaderValue(std::string& out, const std::string& value) {
    for (const char c : value) {
        out += (c == '\r' || c == '\n') ? ' ' : c;
    }
}

}  // namespace settlebridge::net
