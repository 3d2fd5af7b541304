#pragma once
// Small cryptographic helpers on OpenSSL: PBKDF2-SHA256 password hashes, constant-time comparison,
// random bytes, UUID v4 tickets, SHA-256 digests and deterministic GUIDs.

#include <cstdint>
#include <string>
#include <string_view>

namespace settlebridge::store {

/// OWASP's current guidance for PBKDF2-HMAC-SHA256.
inline constexpr int kDefaultPbkdf2Iterations = 600'000;

/// A stored password: never the password itself.
struct PasswordHash {
    std::string salt;   // raw bytes (16)
    std::string hash;   // raw bytes (32)
    int iterations = 0;
};

/// A fresh random salt and the PBKDF2-HMAC-SHA256 of `password`.
PasswordHash hashPassword(std::string_view password, int iterations = kDefaultPbkdf2Iterations);

/// Recomputes PBKDF2 with the stored salt and iterations and compares in constant time.
bool verifyPassword(const PasswordHash& stored, std::string_view password);

/// PBKDF2-HMAC-SHA256 with 32 bytes of output.
std::string pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations);

/// Constant-time equality of two byte strings (a length difference is not hidden).
bool constantTimeEqual(std::string_view a, std::string_view b);

/// Cryptographically secure random bytes. Throws std::runtime_error if the generator fails.
std::string randomBytes(std::size_t count);

/// A random (version 4) UUID in lower case: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string uuidV4();

/// SHA-256 of `bytes`, raw (32 bytes) or as lower-case hex.
std::string sha256(std::string_view bytes);
std::string sha256Hex(std::string_view bytes);

/// HMAC-SHA256(key, message), raw bytes.
std::string hmacSha256(std::string_view key, std::string_view message);

/// A GUID derived from `name` (name-based, SHA-256, version bits 5 as in RFC 4122), written as qbXML's
/// GUIDTYPE wants it: "{XXXXXXXX-XXXX-5XXX-YXXX-XXXXXXXXXXXX}" in upper case. Same name → same GUID.
std::string deterministicGuid(std::string_view name);

/// Lower-case hex of raw bytes.
std::string toHex(std::string_view bytes);

}  // namespace settlebridge::store
