#pragma once
// The PostgreSQL backend of the store, through libpq (docs/SCALING.md says why libpq). The only file that includes
// libpq-fe.h is postgres.cpp.

#include <chrono>
#include <memory>
#include <string>

#include "daemon/store/database.hpp"

namespace settlebridge::store {

/// Whether the database setting names a PostgreSQL database (postgresql://... or postgres://...).
bool isPostgresUri(std::string_view location) noexcept;

/// Connects to the database the URI names (libpq's connection URI: postgresql://user:password@host:port/db?...).
/// Throws StoreError naming the setting and the server's message (refused, wrong password, no such database).
/// Writes run SERIALIZABLE, reads REPEATABLE READ; a lost connection is made again at the next transaction.
std::unique_ptr<Connection> openPostgres(const std::string& uri, std::chrono::milliseconds lockTimeout);

}  // namespace settlebridge::store
