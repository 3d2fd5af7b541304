// Starts quickbooks-js 1.0.0 (the peer baseline) for run_qbwc_bench.sh.
// Usage: NODE_PATH=<prefix>/node_modules QB_SOAP_PORT=P QB_COMPANY_FILE=... node qbjs_server.js
// The SOAP endpoint is http://127.0.0.1:P/wsdl. Each authenticated session is handed QBJS_REQUESTS copies of
// one CustomerQuery (env QBJS_REQUESTS, default 4); responses are accepted without logging, so the console
// does not slow it down. quickbooks-js keeps the request queue and its position in module-level variables,
// not per ticket, and stores nothing: concurrent sessions share one queue.
'use strict';
const QuickbooksServer = require('quickbooks-js');

const count = parseInt(process.env.QBJS_REQUESTS || '4', 10);
const request = '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>' +
    '<QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq requestID="1"><MaxReturned>10</MaxReturned>' +
    '</CustomerQueryRq></QBXMLMsgsRq></QBXML>';

const handler = {
    fetchRequests(callback) { callback(null, Array(count).fill(request)); },
    handleResponse() {},
    didReceiveError() {},
};

const server = new QuickbooksServer();
server.setQBXMLHandler(handler);
server.run();
