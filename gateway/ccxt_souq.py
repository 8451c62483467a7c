"""souq as a ccxt exchange: ccxt-based tools (and the desk's CcxtVenue) talk to a souq
gateway through ccxt's unified API.

    import souq.gateway.ccxt_souq as cs
    ex = cs.souq({"apiKey": CLIENT_ID, "secret": CLIENT_SECRET,
                  "hostname": "http://127.0.0.1:8700"})
    ex.load_markets(); ex.fetch_order_book("BTC/IRR")
    ex.create_order("BTC/IRR", "limit", "buy", 0.01, 99_000_000,
                    {"clientOrderId": "q1", "timeInForce": "PO"})

`apiKey` and `secret` are an API key's client id and client secret (`souq key create`);
the class logs in on the first private call (POST /auth/login) and again before the access
token expires. Markets are named the ccxt way (`BTC/IRR`, id `BTC-IRR`) in TICK_SIZE
precision mode. Numbers reach ccxt as souq's decimal strings and leave it through
`amount_to_precision`/`price_to_precision`, so what is sent is exact; what ccxt hands back
is of the type its `number` attribute names (float by default, ccxt's convention; set
`number = str` for exact strings).

Refusals are ccxt's exception classes with souq's one-line detail: 401 AuthenticationError,
403 PermissionDenied (AccountSuspended for a suspended user), 404 OrderNotFound or
BadSymbol, 429 RateLimitExceeded, an order the exchange rejected InsufficientFunds or
InvalidOrder, any other 4xx BadRequest.
"""
import json
import time

import ccxt
from ccxt.base.decimal_to_precision import TICK_SIZE
from ccxt.base.types import Entry
from ccxt.base.errors import (AccountSuspended, AuthenticationError, BadRequest, BadSymbol,
                              DuplicateOrderId, ExchangeError, InsufficientFunds,
                              InvalidOrder, OrderNotFound, PermissionDenied,
                              RateLimitExceeded)

#: souq's order statuses in ccxt's words
STATUS = {"new": "open", "queued": "open", "active": "open", "partial": "open",
          "filled": "closed", "cancelled": "canceled", "expired": "expired",
          "rejected": "rejected"}
#: ccxt's time-in-force names to souq's (both spellings are accepted)
TIF = {"GTC": "gtc", "IOC": "ioc", "FOK": "fok", "PO": "post_only", "DAY": "day"}
TIF_BACK = {v: k for k, v in TIF.items()}
REFRESH_MARGIN_S = 30        # log in again this long before the access token expires


class souq(ccxt.Exchange):
    """A souq gateway (`souq serve`) in ccxt's unified API; see the module docstring."""

    # ccxt's implicit API: one method per route (as ccxt/abstract/*.py declare theirs)
    public_get_symbols = publicGetSymbols = Entry("symbols", ["public"], "GET", {"cost": 1})
    public_get_book_symbol = publicGetBookSymbol = Entry("book/{symbol}", ["public"], "GET",
                                                         {"cost": 1})
    public_get_tickers_symbol = publicGetTickersSymbol = Entry("tickers/{symbol}", ["public"],
                                                               "GET", {"cost": 1})
    private_get_wallets = privateGetWallets = Entry("wallets", ["private"], "GET", {"cost": 1})
    private_get_orders = privateGetOrders = Entry("orders", ["private"], "GET", {"cost": 1})
    private_get_orders_order_id = privateGetOrdersOrderId = Entry(
        "orders/{order_id}", ["private"], "GET", {"cost": 1})
    private_get_trades = privateGetTrades = Entry("trades", ["private"], "GET", {"cost": 1})
    private_get_users_me = privateGetUsersMe = Entry("users/me", ["private"], "GET", {"cost": 1})
    private_post_orders = privatePostOrders = Entry("orders", ["private"], "POST", {"cost": 1})
    private_delete_orders_order_id = privateDeleteOrdersOrderId = Entry(
        "orders/{order_id}", ["private"], "DELETE", {"cost": 1})
    private_delete_orders = privateDeleteOrders = Entry("orders", ["private"], "DELETE",
                                                        {"cost": 1})

    def describe(self):
        return self.deep_extend(super().describe(), {
            "id": "souq",
            "name": "souq",
            "countries": [],
            "version": "v1",
            "rateLimit": 0,
            "pro": False,
            "hostname": "http://127.0.0.1:8700",
            "precisionMode": TICK_SIZE,
            "requiredCredentials": {"apiKey": True, "secret": True},
            "has": {
                "spot": True, "margin": False, "swap": False, "future": False,
                "option": False, "fetchMarkets": True, "fetchCurrencies": False,
                "fetchTicker": True, "fetchOrderBook": True, "fetchTrades": True,
                "fetchBalance": True, "createOrder": True, "cancelOrder": True,
                "cancelAllOrders": True, "fetchOrder": True, "fetchOrders": True,
                "fetchOpenOrders": True, "fetchClosedOrders": True, "fetchMyTrades": True,
            },
            "urls": {"api": {"public": "{hostname}", "private": "{hostname}"},
                     "www": "https://github.com/", "doc": ["{hostname}/docs"]},
            "api": {
                "public": {"get": ["symbols", "book/{symbol}", "tickers/{symbol}"]},
                "private": {"get": ["wallets", "orders", "orders/{order_id}", "trades",
                                    "users/me"],
                            "post": ["orders"],
                            "delete": ["orders/{order_id}", "orders"]},
            },
        })

    # ---------------------------------------------------------------- transport
    def sign(self, path, api="public", method="GET", params={}, headers=None, body=None):
        api = api[0] if isinstance(api, list) else api
        url = self.implode_hostname(self.urls["api"][api]) + "/" + self.implode_params(path, params)
        query = self.omit(params, self.extract_params(path))
        headers = {} if headers is None else headers
        if method == "POST":
            body = json.dumps(query)
            headers["Content-Type"] = "application/json"
        elif query:
            url += "?" + self.urlencode(query)
        if api == "private":
            headers["Authorization"] = "Bearer " + self._access_token()
        return {"url": url, "method": method, "body": body, "headers": headers}

    def _access_token(self) -> str:
        """A valid access token, logging in when there is none or it is about to expire."""
        if self.token is None or time.time() > self._token_expiry:
            self.check_required_credentials()
            got = self.fetch(self.implode_hostname(self.urls["api"]["private"]) + "/auth/login",
                             "POST", {"Content-Type": "application/json"},
                             json.dumps({"client_id": self.apiKey, "client_secret": self.secret}))
            self.token = got["access_token"]
            self._token_expiry = time.time() + got["expires_in"] - REFRESH_MARGIN_S
        return self.token

    _token_expiry = 0.0

    def handle_errors(self, code, reason, url, method, headers, body, response,
                      request_headers, request_body):
        if code < 400 or not isinstance(response, dict):
            return None
        detail = "souq " + str(response.get("detail") or reason)
        if code == 401:
            self.token = None
            raise AuthenticationError(detail)
        if code == 403:
            raise (AccountSuspended if "suspended" in detail else PermissionDenied)(detail)
        if code == 404:
            raise (OrderNotFound if "order" in detail else BadSymbol)(detail)
        if code == 429:
            raise RateLimitExceeded(detail)
        if code == 409 and "client_order_id" in response:   # the id placed another order
            raise DuplicateOrderId(detail)
        if isinstance(response.get("order"), dict):
            raise (InsufficientFunds if "insufficient" in detail else InvalidOrder)(detail)
        if 400 <= code < 500:
            raise BadRequest(detail)
        raise ExchangeError(detail)

    # ---------------------------------------------------------------- markets
    def fetch_markets(self, params={}):
        return [self._market(s) for s in self.publicGetSymbols(params)]

    def _market(self, s: dict) -> dict:
        return {
            "id": s["symbol"], "symbol": s["base"] + "/" + s["quote"],
            "base": s["base"], "quote": s["quote"], "baseId": s["base"], "quoteId": s["quote"],
            "settle": None, "settleId": None, "type": "spot", "spot": True, "margin": False,
            "swap": False, "future": False, "option": False, "contract": False,
            "linear": None, "inverse": None, "contractSize": None, "expiry": None,
            "expiryDatetime": None, "strike": None, "optionType": None,
            "active": s["active"] and s["open"],
            "taker": self.parse_number(s["taker_fee"]), "maker": self.parse_number(s["maker_fee"]),
            "precision": {"amount": self.parse_number(s["qty_step"]),
                          "price": self.parse_number(s["tick_size"])},
            "limits": {"amount": {"min": self.parse_number(s["min_qty"]),
                                  "max": self.parse_number(s["max_qty"])},
                       "price": {"min": None, "max": None}, "cost": {"min": None, "max": None},
                       "leverage": {"min": None, "max": None}},
            "created": None, "info": s,
        }

    def fetch_ticker(self, symbol, params={}):
        self.load_markets()
        m = self.market(symbol)
        t = self.publicGetTickersSymbol(self.extend({"symbol": m["id"]}, params))
        return self.safe_ticker({
            "symbol": m["symbol"], "timestamp": None, "datetime": None,
            "high": t["high"], "low": t["low"], "bid": t["bid"], "ask": t["ask"],
            "open": t["open"], "close": t["last"], "last": t["last"],
            "change": t["change"], "percentage": t["change_percent"],
            "baseVolume": t["volume"], "quoteVolume": t["quote_volume"], "info": t}, m)

    def fetch_order_book(self, symbol, limit=None, params={}):
        self.load_markets()
        m = self.market(symbol)
        req = {"symbol": m["id"]}
        if limit is not None:
            req["depth"] = limit
        book = self.publicGetBookSymbol(self.extend(req, params))
        return self.parse_order_book(book, m["symbol"], None, "bids", "asks", "price", "quantity")

    def fetch_trades(self, symbol, since=None, limit=None, params={}):
        self.load_markets()
        m = self.market(symbol)
        req = {"symbol": m["id"], "public": "true"}
        if limit is not None:
            req["limit"] = limit
        rows = self.privateGetTrades(self.extend(req, params))   # souq's tape needs a token
        return self.parse_trades(rows, m, since, limit)

    # ---------------------------------------------------------------- account
    def fetch_balance(self, params={}):
        result = {"info": self.privateGetWallets(params)}
        for w in result["info"]:
            result[w["asset"]] = {"free": w["available"], "used": w["hold"],
                                  "total": w["balance"]}
        return self.safe_balance(result)

    def fetch_my_trades(self, symbol=None, since=None, limit=None, params={}):
        self.load_markets()
        req = {}
        m = None
        if symbol is not None:
            m = self.market(symbol)
            req["symbol"] = m["id"]
        if limit is not None:
            req["limit"] = limit
        rows = self.privateGetTrades(self.extend(req, params))
        return self.parse_trades(rows, m, since, limit)

    def parse_trade(self, t, market=None):
        m = self.safe_market(t.get("symbol"), market)
        me = self._me()
        role = "taker" if t.get("taker_user") == me else "maker" if t.get("maker_user") == me else None
        side = t["taker_side"]
        if role == "maker":
            side = "sell" if side == "buy" else "buy"
        fee = None
        if role is not None and t.get(role + "_fee") is not None:
            fee = {"cost": t[role + "_fee"], "currency": m["quote"]}
        return self.safe_trade({
            "id": t["trade_id"], "info": t, "timestamp": self.parse8601(t["time"]),
            "datetime": t["time"], "symbol": m["symbol"],
            "order": None, "type": None,
            "side": side, "takerOrMaker": role, "price": t["price"], "amount": t["quantity"],
            "cost": None, "fee": fee,
            # souq names the client order id, not the order id, on a trade
            "clientOrderId": t.get(role + "_order") if role else None}, m)

    def _me(self) -> str | None:
        """The key's user id, or None before any private call was possible."""
        if getattr(self, "_user_id", None) is None and self.apiKey and self.secret:
            self._user_id = self.privateGetUsersMe()["user_id"]
        return getattr(self, "_user_id", None)

    # ---------------------------------------------------------------- orders
    def create_order(self, symbol, type, side, amount, price=None, params={}):
        self.load_markets()
        m = self.market(symbol)
        body = {"symbol": m["id"], "side": side, "type": type,
                "quantity": self.amount_to_precision(m["symbol"], amount)}
        if price is not None:
            body["price"] = self.price_to_precision(m["symbol"], price)
        cid = self.safe_string_2(params, "clientOrderId", "client_order_id")
        if cid is not None:
            body["client_order_id"] = cid
        tif = self.safe_string_2(params, "timeInForce", "time_in_force")
        if self.safe_value(params, "postOnly"):
            tif = "PO"
        if tif is not None:
            body["time_in_force"] = TIF.get(tif.upper(), tif)
        stop = self.safe_value_2(params, "stopPrice", "triggerPrice")
        if stop is not None:
            body["stop_price"] = self.price_to_precision(m["symbol"], stop)
            body["type"] = "stop_limit" if type == "limit" else "stop_market"
        extra = self.omit(params, ["clientOrderId", "client_order_id", "timeInForce",
                                   "time_in_force", "postOnly", "stopPrice", "triggerPrice"])
        return self.parse_order(self.privatePostOrders(self.extend(body, extra)), m)

    def cancel_order(self, id, symbol=None, params={}):
        return self.parse_order(self.privateDeleteOrdersOrderId(
            self.extend({"order_id": id}, params)))

    def cancel_all_orders(self, symbol=None, params={}):
        self.load_markets()
        req = {} if symbol is None else {"symbol": self.market_id(symbol)}
        got = self.privateDeleteOrders(self.extend(req, params))
        return self.parse_orders(got["orders"])

    def fetch_order(self, id, symbol=None, params={}):
        self.load_markets()
        return self.parse_order(self.privateGetOrdersOrderId(self.extend({"order_id": id}, params)))

    def fetch_orders(self, symbol=None, since=None, limit=None, params={}):
        self.load_markets()
        req = {} if symbol is None else {"symbol": self.market_id(symbol)}
        if limit is not None:
            req["limit"] = limit
        m = None if symbol is None else self.market(symbol)
        return self.parse_orders(self.privateGetOrders(self.extend(req, params)), m, since, limit)

    def fetch_open_orders(self, symbol=None, since=None, limit=None, params={}):
        return self.fetch_orders(symbol, since, limit, self.extend({"status": "open"}, params))

    def fetch_closed_orders(self, symbol=None, since=None, limit=None, params={}):
        return self.filter_by(self.fetch_orders(symbol, since, limit, params), "status", "closed")

    def parse_order(self, o, market=None):
        m = self.safe_market(o.get("symbol"), market)
        kind = o["type"]
        return self.safe_order({
            "id": o["order_id"], "clientOrderId": o["client_order_id"], "info": o,
            "timestamp": None, "datetime": None, "lastTradeTimestamp": None,
            "status": STATUS.get(o["status"], o["status"]), "symbol": m["symbol"],
            "type": "limit" if kind in ("limit", "stop_limit") else "market",
            "timeInForce": TIF_BACK.get(o["time_in_force"]),
            "postOnly": o["time_in_force"] == "post_only", "side": o["side"],
            "price": o["price"], "triggerPrice": o["stop_price"],
            "amount": o["quantity"], "filled": o["filled"], "remaining": None,
            "average": o["avg_price"], "cost": o["cost"],
            "trades": [t for t in o.get("trades") or []], "fee": None,
            "reduceOnly": None}, m)
