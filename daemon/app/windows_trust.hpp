#pragma once
// Windows only: which certificate authorities the HTTPS calls to Amazon, Amazon Ads, Walmart and Sellercloud trust
// (installer/README.md). OpenSSL does not read the Windows certificate store by itself; every client context of
// Settlebridge loads OpenSSL's default locations (Poco's loadDefaultCAs), and this points those at:
//  - SSL_CERT_FILE: the CA bundle the MSI installs beside the .exe, ssl\cert.pem (Debian's ca-certificates);
//  - SSL_CERT_DIR: the Windows ROOT store, through an OpenSSL store loader registered here under the URI
//    settlebridge-winroot://ROOT: the certificates of the roots Windows trusts for server authentication (its own
//    and those an administrator or Group Policy added, e.g. a company proxy's), read whenever OpenSSL looks for an
//    issuer it has not seen yet;
//  - OPENSSL_CONF: ssl\openssl.cnf beside the .exe (normally absent): the folder compiled into a cross-built OpenSSL
//    is not one that Windows protects, so its configuration and certificates must not be read from there.
// A variable that is already set is left alone (SSL_CERT_FILE=... names another bundle, as before).

#ifdef _WIN32

#include <filesystem>

namespace settlebridge::app {

/// The URI SSL_CERT_DIR gets: OpenSSL's default store lookup opens it with the loader registered here.
inline constexpr const char* kWindowsRootStoreUri = "settlebridge-winroot://ROOT";

/// Sets the three variables above for this process; call once at start-up, before any TLS context exists.
/// `exeDir` is the folder of settlebridge.exe.
void setUpWindowsTrust(const std::filesystem::path& exeDir);

}  // namespace settlebridge::app

#endif
