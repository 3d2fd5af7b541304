#!/usr/bin/python3
"""A simulated Sellercloud REST API for Settlebridge's tests and demo (Python 3 standard library only).

Speaks the wire format of Sellercloud's Delta REST API as its Swagger describes it
(../../../shared/spec/sellercloud/swagger.tt.api.sellercloud.com.2022-02.json, basePath /rest):

  GET  /api/server-by-team/?team=NAME      the team-name lookup (api.sellercloud.com) -> {"ApiUrl": ...}
  POST /rest/api/token                     {Username, Password} -> CreateTokenResponse
  GET  /rest/api/Companies                 model.pageNumber / model.pageSize -> {Items: [CompanyDto], TotalResults}
  GET  /rest/api/Catalog                   model.sKU | model.uPC | model.keyword, model.companyID -> ProductCatalogDto page
  GET  /rest/api/Inventory                 model.eAN | model.inventoryID, model.companyID -> ProductInventoryDto page
  PUT  /rest/api/Products/CustomColumns    {ProductID, CustomColumns: [{ColumnName, Value}]} -> 200
  GET  /rest/api/Products/CustomColumns    productID -> [{ColumnName, Value}]

Failure injection and inspection through /_control (see README.md): 429 (with Retry-After and Sellercloud's
rate-limit body), 500, expired tokens, bad credentials, unknown teams; the custom-column values written so far.

Run: sellercloud_sim.py --port 0 --ready-file FILE [--data SEED.json] [--token-seconds N]
"""

import argparse
import datetime
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Fields a product keeps; the rest of ProductCatalogDto is not needed by Settlebridge and left out (every field
# of the Swagger's DTOs is optional).
PRODUCT_FIELDS = ("ID", "CompanyID", "ProductName", "UPC", "EAN", "ASIN", "ManufacturerSKU", "AmazonMerchantSKU",
                  "AmazonFBASKU", "WalmartProductID", "AverageCost", "SiteCost", "LastCost")
# Catalog rows do not carry EAN in the Swagger (ProductCatalogDto has no EAN; ProductInventoryDto has).
CATALOG_FIELDS = tuple(f for f in PRODUCT_FIELDS if f != "EAN") + ("MerchantSKU", "GTIN")
INVENTORY_FIELDS = tuple(f for f in PRODUCT_FIELDS if f not in ("AmazonMerchantSKU", "WalmartProductID"))
# Fields model.keyword looks in (the real server's keyword search is not documented; this is the simulator's).
KEYWORD_FIELDS = ("ID", "ProductName", "UPC", "ASIN", "ManufacturerSKU", "AmazonMerchantSKU", "AmazonFBASKU",
                  "WalmartProductID")

DEFAULT_COLUMNS = ["AdSpendYesterday", "AdSpend7Days", "AdSpend30Days", "AdSales30Days", "ACoS30Days"]

DEFAULT_SEED = {
    "users": {"api-user": "correct horse"},
    "teams": {"acme": "acme"},
    "companies": [
        {"ID": 1, "CompanyName": "Acme Main", "IsDefaultCompany": True, "AmazonMarketplace": "US",
         "IsDisabled": False},
        {"ID": 2, "CompanyName": "Acme Outlet", "IsDefaultCompany": False, "AmazonMarketplace": "US",
         "IsDisabled": False},
    ],
    "products": [
        {"ID": "WIDGET-1", "CompanyID": 1, "ProductName": "Widget", "UPC": "012345678905", "ASIN": "B000WIDGET",
         "AverageCost": 4.25},
    ],
    "custom_columns": DEFAULT_COLUMNS,
}


def utc_iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class State:
    def __init__(self, seed, token_seconds):
        self.lock = threading.Lock()
        self.users = dict(seed.get("users", {}))
        self.teams = dict(seed.get("teams", {}))
        self.companies = [dict(c) for c in seed.get("companies", [])]
        self.products = [dict(p) for p in seed.get("products", [])]
        self.custom_columns = list(seed.get("custom_columns", DEFAULT_COLUMNS))
        self.token_seconds = token_seconds
        self.tokens = {}          # token -> expiry (epoch seconds)
        self.values = {}          # product id -> {column: value}
        self.writes = []          # every accepted PUT: {product, columns: {name: value}, at}
        self.counts = {}          # operation -> calls
        self.requests = []        # {operation, method, path, query, body, authorization}
        self.fail_next = []       # [{operation, status, retry_after?, body?}]
        self.rate_limit = None    # {"per_window": n} -> 429 after n calls until reset
        self.window_calls = 0

    def product(self, product_id):
        for p in self.products:
            if p.get("ID") == product_id:
                return p
        return None


class Handler(BaseHTTPRequestHandler):
    server_version = "SellercloudSim/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---- plumbing ---------------------------------------------------------------------------------------
    @property
    def state(self):
        return self.server.state

    def send_json(self, status, payload, headers=None):
        body = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def base_url(self):
        host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_address[1]
        return "http://" + host

    def record(self, operation, query, body):
        with self.state.lock:
            self.state.counts[operation] = self.state.counts.get(operation, 0) + 1
            self.state.requests.append({
                "operation": operation, "method": self.command, "path": urllib.parse.urlsplit(self.path).path,
                "query": query, "body": body.decode("utf-8", "replace") if body else "",
                "authorization": self.headers.get("Authorization", ""),
            })

    def injected_failure(self, operation):
        """Answers with an injected failure when one is queued for `operation` (or "*"); True if it did."""
        with self.state.lock:
            failure = None
            for i, f in enumerate(self.state.fail_next):
                if f.get("operation") in (operation, "*"):
                    failure = self.state.fail_next.pop(i)
                    break
            limited = False
            if failure is None and self.state.rate_limit is not None:
                self.state.window_calls += 1
                limited = self.state.window_calls > self.state.rate_limit["per_window"]
        if failure is None and not limited:
            return False
        status = failure["status"] if failure else 429
        headers = {}
        retry_after = (failure or {}).get("retry_after", self.state.rate_limit.get("retry_after") if limited else None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if failure and "body" in failure:
            payload = failure["body"]
        elif status == 429:
            # Sellercloud's documented rate-limit body (rest-api-rate-limiting).
            payload = {"Error": "Too many requests.",
                       "RateLimitResetTime": utc_iso(time.time() + float(retry_after or 1))}
        elif status == 401:
            payload = {"Message": "Authorization has been denied for this request."}
        else:
            payload = {"Message": "An error has occurred."}
        if failure and failure.get("close"):
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
            return True
        self.send_json(status, payload, headers)
        return True

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        token = header[len("Bearer "):].strip()
        with self.state.lock:
            expiry = self.state.tokens.get(token)
        return expiry is not None and expiry > time.time()

    def deny(self):
        self.send_json(401, {"Message": "Authorization has been denied for this request."})

    # ---- routing ----------------------------------------------------------------------------------------
    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def dispatch(self, method):
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        body = self.read_body()
        lower = path.lower()
        try:
            if lower == "/_control":
                return self.control(method, body)
            routes = {
                ("GET", "/api/server-by-team"): ("serverByTeam", self.server_by_team, False),
                ("POST", "/rest/api/token"): ("token", self.token, False),
                ("GET", "/rest/api/companies"): ("companies", self.companies, True),
                ("GET", "/rest/api/catalog"): ("catalog", self.catalog, True),
                ("GET", "/rest/api/inventory"): ("inventory", self.inventory, True),
                ("PUT", "/rest/api/products/customcolumns"): ("putCustomColumns", self.put_custom_columns, True),
                ("GET", "/rest/api/products/customcolumns"): ("getCustomColumns", self.get_custom_columns, True),
            }
            route = routes.get((method, lower))
            if route is None:
                return self.send_json(404, {"Message": "No HTTP resource was found that matches the request URI."})
            operation, handler, needs_token = route
            self.record(operation, query, body)
            if self.injected_failure(operation):
                return None
            if needs_token and not self.authorized():
                return self.deny()
            return handler(query, body)
        except (ValueError, KeyError, TypeError) as e:
            return self.send_json(400, {"Message": "The request is invalid.", "Detail": str(e)})

    # ---- endpoints --------------------------------------------------------------------------------------
    def server_by_team(self, query, _body):
        team = (query.get("team") or [""])[0]
        with self.state.lock:
            server = self.state.teams.get(team.lower()) or self.state.teams.get(team)
        if not server:
            return self.send_json(404, {"Message": "Team not found"})
        # The real answer names the team's REST endpoint; here it is this simulator.
        return self.send_json(200, {"ServerID": server, "ApiUrl": self.base_url() + "/rest/"})

    def token(self, _query, body):
        content_type = self.headers.get("Content-Type", "")
        if "x-www-form-urlencoded" in content_type:
            form = urllib.parse.parse_qs(body.decode("utf-8"))
            username = (form.get("Username") or [""])[0]
            password = (form.get("Password") or [""])[0]
        else:
            data = json.loads(body.decode("utf-8") or "{}")
            if not isinstance(data, dict):
                raise ValueError("body must be an object")
            username = data.get("Username", "")
            password = data.get("Password", "")
        with self.state.lock:
            ok = username in self.state.users and self.state.users[username] == password
            seconds = self.state.token_seconds
            if ok:
                token = "sim." + secrets.token_urlsafe(24)
                self.state.tokens[token] = time.time() + seconds
        if not ok:
            return self.send_json(401, {"Message": "Invalid username or password."})
        now = time.time()
        return self.send_json(200, {
            "access_token": token, "token_type": "Bearer", "username": username, "expires_in": seconds,
            ".issued": utc_iso(now), ".expires": utc_iso(now + seconds)})

    def page(self, query, items):
        number = int((query.get("model.pageNumber") or ["1"])[0] or 1)
        size = int((query.get("model.pageSize") or ["10"])[0] or 10)
        if number < 1 or size < 1:
            raise ValueError("pageNumber and pageSize must be positive")
        start = (number - 1) * size
        return {"Items": items[start:start + size], "TotalResults": len(items)}

    def companies(self, query, _body):
        with self.state.lock:
            items = [dict(c) for c in self.state.companies]
        wanted = {int(v) for v in query.get("model.companyID", [])}
        if wanted:
            items = [c for c in items if c["ID"] in wanted]
        return self.send_json(200, self.page(query, items))

    def matching_products(self, query, filters):
        wanted_companies = {int(v) for v in query.get("model.companyID", [])}
        with self.state.lock:
            products = [dict(p) for p in self.state.products]
        out = []
        for p in products:
            if wanted_companies and p.get("CompanyID") not in wanted_companies:
                continue
            if all(f(p) for f in filters):
                out.append(p)
        return out

    def catalog(self, query, _body):
        filters = []
        sku = (query.get("model.sKU") or [""])[0]
        if sku:
            ids = {s.strip() for s in sku.split(",") if s.strip()}
            filters.append(lambda p: p.get("ID") in ids)
        upc = (query.get("model.uPC") or [""])[0]
        if upc:
            filters.append(lambda p: p.get("UPC") == upc)
        keyword = (query.get("model.keyword") or [""])[0]
        if keyword:
            k = keyword.lower()
            filters.append(lambda p: any(k in str(p.get(f) or "").lower() for f in KEYWORD_FIELDS))
        items = [{f: p[f] for f in CATALOG_FIELDS if f in p} for p in self.matching_products(query, filters)]
        return self.send_json(200, self.page(query, items))

    def inventory(self, query, _body):
        filters = []
        ean = (query.get("model.eAN") or [""])[0]
        if ean:
            eans = {e.strip() for e in ean.split(",") if e.strip()}
            filters.append(lambda p: p.get("EAN") in eans)
        ids = (query.get("model.inventoryID") or [""])[0]
        if ids:
            wanted = {s.strip() for s in ids.split(",") if s.strip()}
            filters.append(lambda p: p.get("ID") in wanted)
        upc = (query.get("model.uPC") or [""])[0]
        if upc:
            filters.append(lambda p: p.get("UPC") == upc)
        items = [{f: p[f] for f in INVENTORY_FIELDS if f in p} for p in self.matching_products(query, filters)]
        return self.send_json(200, self.page(query, items))

    def put_custom_columns(self, _query, body):
        data = json.loads(body.decode("utf-8") or "{}")
        if not isinstance(data, dict) or not isinstance(data.get("ProductID"), str):
            raise ValueError("ProductID is required")
        columns = data.get("CustomColumns")
        if not isinstance(columns, list):
            raise ValueError("CustomColumns is required")
        product_id = data["ProductID"]
        with self.state.lock:
            if self.state.product(product_id) is None:
                return self.send_json(404, {"Message": "Product %s not found" % product_id})
            changes = {}
            for c in columns:
                if not isinstance(c, dict) or not isinstance(c.get("ColumnName"), str):
                    raise ValueError("ColumnName is required")
                if c["ColumnName"] not in self.state.custom_columns:
                    return self.send_json(400, {"Message": "Custom column %s does not exist" % c["ColumnName"]})
                changes[c["ColumnName"]] = c.get("Value")
            self.state.values.setdefault(product_id, {}).update(changes)
            self.state.writes.append({"product": product_id, "columns": changes, "at": time.time()})
        return self.send_json(200, None)

    def get_custom_columns(self, query, _body):
        product_id = (query.get("productID") or [""])[0]
        with self.state.lock:
            if self.state.product(product_id) is None:
                return self.send_json(404, {"Message": "Product %s not found" % product_id})
            values = dict(self.state.values.get(product_id, {}))
            names = list(self.state.custom_columns)
        return self.send_json(200, [{"ColumnName": n, "DisplayName": n, "Value": values.get(n)} for n in names])

    # ---- control ----------------------------------------------------------------------------------------
    def control(self, method, body):
        s = self.state
        if method == "GET":
            with s.lock:
                return self.send_json(200, {
                    "counts": dict(s.counts), "requests": list(s.requests), "values": dict(s.values),
                    "writes": list(s.writes), "tokens_issued": s.counts.get("token", 0)})
        data = json.loads(body.decode("utf-8") or "{}")
        with s.lock:
            for f in data.get("fail_next", []):
                s.fail_next.append(dict(f))
            if data.get("expire_tokens"):
                for t in s.tokens:
                    s.tokens[t] = 0
            if "token_seconds" in data:
                s.token_seconds = int(data["token_seconds"])
            if "users" in data:
                s.users = dict(data["users"])
            if "teams" in data:
                s.teams = dict(data["teams"])
            if "companies" in data:
                s.companies = [dict(c) for c in data["companies"]]
            if "products" in data:
                s.products = [dict(p) for p in data["products"]]
            for p in data.get("add_products", []):
                s.products.append(dict(p))
            for product_id in data.get("remove_products", []):
                s.products = [p for p in s.products if p.get("ID") != product_id]
            if "custom_columns" in data:
                s.custom_columns = list(data["custom_columns"])
            if "rate_limit" in data:
                s.rate_limit = data["rate_limit"]
                s.window_calls = 0
            if data.get("reset_log"):
                s.counts = {}
                s.requests = []
                s.writes = []
        return self.send_json(200, {"ok": True})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", help="written with {\"url\", \"port\"} once listening")
    parser.add_argument("--data", help="a JSON seed (users, teams, companies, products, custom_columns)")
    parser.add_argument("--token-seconds", type=int, default=3600, help="expires_in of the tokens (default 3600)")
    args = parser.parse_args(argv)

    seed = DEFAULT_SEED
    if args.data:
        with open(args.data, encoding="utf-8") as f:
            seed = json.load(f)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(seed, args.token_seconds)
    port = server.server_address[1]
    url = "http://%s:%d" % (args.host, port)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"url": url, "port": port}, f)
        os.replace(tmp, args.ready_file)
    else:
        print(url, flush=True)

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
