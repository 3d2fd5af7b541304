#pragma once
// Secrets at rest (LWA refresh tokens, client secrets, the Sellercloud password): AES-256-GCM with one key
// kept in a key file beside the database.
//
//     SecretBox box = SecretBox::openKeyFile(dataDir / "secrets.key");   // created (mode 0600) when absent
//     std::string blob = box.seal(refreshToken, "amazon_connection:7:refresh_token");
//     ...                                                                  // store `blob` (bytes) anywhere
//     std::string token = box.open(blob, "amazon_connection:7:refresh_token");
//
// A sealed blob is:  "SBX1" | key id (4) | nonce (12) | ciphertext | GCM tag (16).
// The key id (the first 4 bytes of SHA-256 of the key) lets open() tell "sealed with another key file" from
// "damaged or tampered with". The header and the caller's `associatedData` are authenticated, so a blob
// copied to another row (another associatedData) does not open either.
//
// The key file holds the 32-byte key as 64 lower-case hex digits and a newline. It is created atomically
// (written to a temporary file with mode 0600, then hard-linked into place, so two processes starting at once
// agree on one key) and an existing key file that other users can read (any group/other permission bit) is
// refused, as ssh does with private keys. On Windows the file gets owner-only permissions as far as
// std::filesystem can say so; the data directory's ACL is what protects it there.

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace settlebridge::store {

/// A secret could not be sealed or opened, or the key file is unusable. The message says which and why.
class SecretError : public std::runtime_error {
public:
    enum class Kind {
        KeyFile,      // the key file is missing/unreadable/malformed/too open, or cannot be created
        WrongKey,     // the blob was sealed with another key
        Tampered,     // the blob is damaged, truncated, or its associated data differs
        Crypto,       // the cipher itself failed (should not happen)
    };
    SecretError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

class SecretBox {
public:
    static constexpr std::size_t kKeyBytes = 32;
    static constexpr std::size_t kNonceBytes = 12;
    static constexpr std::size_t kTagBytes = 16;
    static constexpr std::size_t kKeyIdBytes = 4;
    static constexpr std::string_view kMagic = "SBX1";
    /// Bytes a sealed blob adds to its plaintext.
    static constexpr std::size_t kOverhead = 4 + kKeyIdBytes + kNonceBytes + kTagBytes;

    /// Reads the key file, creating it with a fresh random key (mode 0600) when it does not exist. The
    /// directory must exist. Throws SecretError(KeyFile).
    static SecretBox openKeyFile(const std::filesystem::path& keyFile);
    /// Reads an existing key file only. Throws SecretError(KeyFile).
    static SecretBox loadKeyFile(const std::filesystem::path& keyFile);
    /// A box over raw key bytes (exactly 32). Throws SecretError(KeyFile) for another length.
    static SecretBox fromKey(std::string_view key);

    /// The environment variable that gives the key instead of the key file (64 hex digits, as in the file): several
    /// daemons on one database (docs/SCALING.md) must all read the same key, from one file or from this.
    static constexpr const char* kKeyVariable = "SETTLEBRIDGE_SECRETS_KEY";
    /// The key of a data directory as every process reads it: $SETTLEBRIDGE_SECRETS_KEY when it is set (refused
    /// unless it holds 64 hex digits), else the key file `dataDir`/secrets.key (openKeyFile: created when absent).
    /// `source`, when given, gets where it came from for messages ("$SETTLEBRIDGE_SECRETS_KEY" or "the key file
    /// PATH"). Throws SecretError(KeyFile).
    static SecretBox openForDataDir(const std::filesystem::path& dataDir, std::string* source = nullptr);

    /// Encrypts `plaintext` with a fresh random nonce. `associatedData` is authenticated, not stored.
    std::string seal(std::string_view plaintext, std::string_view associatedData = {}) const;
    /// Decrypts and authenticates a blob made by seal() with the same key and associatedData.
    /// Throws SecretError(WrongKey) or SecretError(Tampered).
    std::string open(std::string_view sealed, std::string_view associatedData = {}) const;

    /// A 32-byte key for another purpose derived from this one (HMAC-SHA256(key, "settlebridge:" + label)),
    /// e.g. the key that signs "Connect with Amazon" state values. Same key and label, same result.
    std::string deriveKey(std::string_view label) const;

    /// Lower-case hex of the key id (identifies the key without revealing it).
    std::string keyId() const;

    /// The key check value: 32 hex digits of a key derived from this one for that purpose only (deriveKey), so two
    /// processes can tell whether they hold the same key without either revealing it. Stored in the database's
    /// app_settings by the first daemon (checkSecretsKey, key_check.hpp).
    std::string keyCheck() const;

private:
    explicit SecretBox(std::string key);
    std::string key_;
    std::string keyId_;  // raw, kKeyIdBytes
};

}  // namespace settlebridge::store
