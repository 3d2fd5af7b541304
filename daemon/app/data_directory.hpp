#pragma once
// The data directory holds the database and secrets.key, so only the service and administrators may open it
// (installer/README.md, docs/DAEMON.md):
//  - Unix: a data directory the program creates is mode 0700 (the .deb makes /var/lib/settlebridge 0700 itself);
//  - Windows: a protected DACL (nothing inherited from C:\ProgramData, which lets every local user read what its
//    folders hold): full control for SYSTEM (LocalSystem, the service's account), for Administrators, and for the
//    account that sets it when that is another one (an administrator's own account, or the user whose --data-dir it
//    is). Files and folders inside inherit it. In SDDL: D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)[(A;OICI;FA;;;<user SID>)].

#include <filesystem>
#include <system_error>

namespace settlebridge::app {

/// Creates `dir` (and its missing parents) with the protection above when it does not exist yet; an existing
/// directory is left as it is. Sets `error` on failure.
void createDataDirectory(const std::filesystem::path& dir, std::error_code& error);

/// Windows: puts the protected DACL on an existing `dir` and, through inheritance, on everything in it (the service
/// does this at every start, which also closes a directory that an older version created with the inherited
/// ACL). Unix: nothing to do (the directory keeps its mode). Sets `error` on failure.
void protectDataDirectory(const std::filesystem::path& dir, std::error_code& error);

}  // namespace settlebridge::app
