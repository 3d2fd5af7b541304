-- wrk script: POST the Web Connector's clientVersion call as QBWC writes it ($CLIENTVERSION_XML, set by
-- run_qbwc_bench.sh / compare_binaries.sh; default tests/data/qbwc/envelopes/clientVersion.request.xml, run from
-- the checkout), with QBWC's header set.
-- The target path comes from the URL given to wrk (Settlebridge: /qbwc; quickbooks-js: /wsdl).
-- Expect: 100-continue is left out: wrk cannot answer an interim 100 response.
-- At the end prints one line "RESULT rps=... p50_ms=... p99_ms=... requests=... errors=..." for run_qbwc_bench.sh.

local path = os.getenv("CLIENTVERSION_XML") or "tests/data/qbwc/envelopes/clientVersion.request.xml"
local f = assert(io.open(path, "rb"), "cannot read " .. path)
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["User-Agent"] = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = "\"http://developer.intuit.com/clientVersion\""
wrk.headers["Connection"] = "Keep-Alive"

function done(summary, latency, requests)
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                  summary.errors.status + summary.errors.timeout
   io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d non2xx=%d\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000.0,
      latency:percentile(99) / 1000.0, summary.requests, errors, summary.errors.status))
end
