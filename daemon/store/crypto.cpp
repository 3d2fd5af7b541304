#include "daemon/store/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "daemon/common/text.hpp"

namespace settlebridge::store {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
const char* const kHexDigits = "0123456789abcdef";

std::string formatUuid(const unsigned char* b) {
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHexDigits[b[i] >> 4]);
        out.push_back(kHexDigits[b[i] & 0x0F]);
    }
    return out;
}
}  // namespace

std::string pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations) {
    if (iterations < 1) throw std::invalid_argument("PBKDF2 needs at least one iteration");
    std::string out(kHashBytes, '\0');
    const int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                     reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                                     iterations, EVP_sha256(), static_cast<int>(out.size()),
                                     reinterpret_cast<unsigned char*>(out.data()));
    if (ok != 1) throw std::runtime_error("PBKDF2 failed");
    return out;
}

PasswordHash hashPassword(std::string_view password, int iterations) {
    PasswordHash result;
    result.salt = randomBytes(kSaltBytes);
    result.iterations = iterations;
    result.hash = pbkdf2Sha256(password, result.salt, iterations);
    return result;
}

bool verifyPassword(const PasswordHash& stored, std::string_view password) {
    if (stored.iterations < 1 || stored.hash.size() != kHashBytes) return false;
    const std::string candidate = pbkdf2Sha256(password, stored.salt, stored.iterations);
    return constantTimeEqual(candidate, stored.hash);
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string randomBytes(std::size_t count) {
    std::string out(count, '\0');
    if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return out;
}

std::string uuidV4() {
    std::string bytes = randomBytes(16);
    auto* b = reinterpret_cast<unsigned char*>(bytes.data());
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    return formatUuid(b);
}

std::string sha256(std::string_view bytes) {
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
           reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

std::string sha256Hex(std::string_view bytes) { return toHex(sha256(bytes)); }

std::string hmacSha256(std::string_view key, std::string_view message) {
    std::string out(EVP_MAX_MD_SIZE, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<unsigned char*>(out.data()), &length) == nullptr) {
        throw std::runtime_error("HMAC failed");
    }
    out.resize(length);
    return out;
}

std::string deterministicGuid(std::string_view name) {
    std::string digest = sha256(std::string("settlebridge:") + std::string(name));
    auto* b = reinterpret_cast<unsigned char*>(digest.data());
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x50);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    return "{" + common::asciiUpper(formatUuid(b)) + "}";
}

std::string toHex(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(kHexDigits[u >> 4]);
        out.push_back(kHexDigits[u & 0x0F]);
    }
    return out;
}

}  // namespace settlebridge::store
