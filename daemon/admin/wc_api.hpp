#pragma once
// The Web Connector page: the .qwc file per company (soap::renderQwc) and the latest sessions with what each
// posted; and the logs page (the event log, filtered).

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// GET /api/companies/{id}/qwc[?url=https://host/qbwc] — a download; the URL defaults to this server's
/// address (from the request's Host) and the Web Connector path.
ApiReply qwcGet(SiteContext& ctx, const ApiRequest& request);
/// GET /api/companies/{id}/sessions[?limit=N]
ApiReply sessionsGet(SiteContext& ctx, const ApiRequest& request);
/// GET /api/events[?company=ID][&level=info|warning|error][&q=TEXT][&before=ID][&limit=N]
ApiReply eventsGet(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
