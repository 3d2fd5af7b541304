#pragma once
// The SQLite backend of the store (the embedded default): a connection to one file with a prepared-statement
// cache. The only file that includes sqlite3.h is sqlite.cpp.

#include <memory>
#include <string>

#include "daemon/store/database.hpp"

namespace settlebridge::store {

/// Opens (creating if needed) the SQLite file. Throws StoreError.
std::unique_ptr<Connection> openSqlite(const std::string& path);

}  // namespace settlebridge::store
