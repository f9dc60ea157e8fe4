"""The OData feed read by a real OData v4 client (PyPI `python-odata`), checked against a second,
independent reader (plain HTTP and JSON, following `@odata.nextLink`) and against `export.run`.

`worklogs serve` runs the demo (the simulator in-process); alice and dave each create a personal
access key through the API and read the feed with HTTP Basic `name:key`, as Power BI would:

- `$metadata` parses as CSDL and names every column of the export with its EDM type;
- paging to the end equals `export.run`'s rows (JSON format) for that person and period;
- `$filter` on `started_utc`, `updated_utc` and `project_key` equals the filtered export;
- alice and dave (different permissions) get different rows, each equal to their own export.

`pyodata` (SAP) speaks OData v2 only (its JSON reader expects v2's `{"d": …}`), so the v4 client
here is `python-odata`. Needs the built `worklogs` and component (see test_kill9.py).
"""

import base64
import datetime as dt
import http.client
import json
import subprocess
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from test_kill9 import ENV, WORKLOGS, built_or_skip, read_line

odata = pytest.importorskip("odata")
requests = pytest.importorskip("requests")

EDM = {"text": "Edm.String", "integer": "Edm.Int64", "decimal": "Edm.Decimal", "boolean": "Edm.Boolean",
       "date": "Edm.Date", "dateTime": "Edm.DateTimeOffset", "list": "Collection(Edm.String)"}
FROM, TO = "2026-11-01", "2026-11-23"


class Serve:
    def __init__(self, data):
        self.process = subprocess.Popen(
            [str(WORKLOGS), "serve", "--demo", "--port", "0", "--sync-every", "0", "--data", str(data)],
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        m = read_line(self.process, r"running at http://127\.0\.0\.1:(\d+)/#token=([0-9a-f]+)")
        self.port, self.token = int(m.group(1)), m.group(2)
        self.url = f"http://127.0.0.1:{self.port}"

    def api(self, who, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers={
            "content-type": "application/json", "x-worklogs-token": self.token,
            "x-worklogs-account": who, "x-worklogs-timezone": "UTC"})
        answer = json.loads(conn.getresponse().read())
        conn.close()
        assert "ok" in answer, answer
        return answer["ok"]

    def call(self, who, operation, payload):
        return self.api(who, "POST", "/api/invoke", {"operation": operation, "input": payload})

    def stop(self):
        self.process.terminate()
        self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    built_or_skip()
    s = Serve(tmp_path_factory.mktemp("odata"))
    try:
        for _ in range(200):
            if not s.call("dave", "sync.full", {}).get("more"):
                break
        yield s
    finally:
        s.stop()


def export_rows(server, who, where=None):
    """export.run's rows (JSON) for `who` over the period, filtered here by `where`."""
    query = {"timeZone": "UTC", "period": {"from": FROM, "to": TO}}
    rows, payload = [], {"query": query, "format": "json"}
    data = b""
    while True:
        answer = server.call(who, "export.run", payload)
        data += base64.b64decode(answer["piece"])
        if not answer.get("continuation"):
            break
        payload["continuation"] = answer["continuation"]
    rows = json.loads(data)
    return [r for r in rows if where is None or where(r)]


def raw_reader(server, who, key, path):
    """The second reader: plain HTTP, following next links."""
    auth = base64.b64encode(f"{who}:{key}".encode()).decode()
    url, rows, pages = f"{server.url}/odata/{path}", [], 0
    while url:
        request = urllib.request.Request(url, headers={"Authorization": f"Basic {auth}", "OData-Version": "4.0",
                                                       "Accept": "application/json"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["OData-Version"] == "4.0"
            page = json.loads(response.read())
        rows.extend(page["value"])
        url, pages = page.get("@odata.nextLink"), pages + 1
    return rows, pages


def period_filter():
    return f"started_utc ge {FROM}T00:00:00Z and started_utc lt 2026-11-24T00:00:00Z"


@pytest.fixture(scope="module")
def keys(server):
    return {who: server.api(who, "POST", "/api/keys", {"name": f"{who}'s Power BI"})["secret"]
            for who in ("alice", "dave")}


def client(server, who, key):
    session = requests.Session()
    session.auth = (who, key)
    return odata.ODataService(f"{server.url}/odata/", session=session, reflect_entities=True)


def comparable(row):
    """A row with decimals as exact text, for comparing JSON numbers with export strings."""
    out = {}
    for k, v in row.items():
        if k.startswith("@"):
            continue
        if k == "hours":
            v = f"{float(v):.2f}"
        out[k] = v
    return out


def test_metadata_is_csdl_naming_every_column_with_its_type(server, keys):
    auth = base64.b64encode(f"alice:{keys['alice']}".encode()).decode()
    request = urllib.request.Request(f"{server.url}/odata/$metadata", headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(request) as response:
        root = ET.fromstring(response.read())
    ns = {"edmx": "http://docs.oasis-open.org/odata/ns/edmx", "edm": "http://docs.oasis-open.org/odata/ns/edm"}
    assert root.get("Version") == "4.0"
    described = server.call("alice", "export.feed", {})
    types = {t.get("Name"): t for t in root.findall(".//edm:EntityType", ns)}
    for table in described["sets"]:
        entity = types[table["entityType"]]
        properties = [(p.get("Name"), p.get("Type")) for p in entity.findall("edm:Property", ns)]
        assert properties == [(c["name"], EDM[c["kind"]]) for c in table["columns"]]
    names = [c["name"] for c in described["sets"][0]["columns"]]
    export = export_rows(server, "alice")
    assert names == list(export[0].keys()), "exactly the flat export's columns"
    sets = [s.get("Name") for s in root.findall(".//edm:EntitySet", ns)]
    assert sets == ["Worklogs", "Deleted"]


def test_the_client_and_the_raw_reader_page_to_the_export(server, keys):
    for who in ("alice", "dave"):
        service = client(server, who, keys[who])
        Worklog = service.entities["Worklogs"]
        start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
        end = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
        query = service.query(Worklog).filter(Worklog.started_utc >= start).filter(Worklog.started_utc < end)
        by_client = [e.worklog_id for e in query]
        raw, pages = raw_reader(server, who, keys[who], f"Worklogs?$filter={urllib.parse.quote(period_filter())}")
        export = export_rows(server, who)
        assert by_client == [r["worklog_id"] for r in raw], who
        assert [comparable(r) for r in raw] == [comparable(r) for r in export], who
        if len(raw) > 1000:
            assert pages > 1, "server-driven paging"
    alice = {r["worklog_id"] for r in export_rows(server, "alice")}
    dave = {r["worklog_id"] for r in export_rows(server, "dave")}
    assert alice != dave, "different permissions, different rows"


@pytest.mark.parametrize("option,where", [
    ("started_utc ge 2026-11-10T00:00:00Z and started_utc lt 2026-11-12T00:00:00Z",
     lambda r: "2026-11-10" <= r["started_utc"][:10] < "2026-11-12"),
    ("updated_utc ge 2026-11-20T00:00:00Z",
     lambda r: r["updated_utc"] >= "2026-11-20T00:00:00.000Z"),
    ("project_key eq 'ALPHA' or project_key eq 'BETA'",
     lambda r: r["project_key"] in ("ALPHA", "BETA")),
    ("not (project_key eq 'ALPHA') and seconds gt 3600",
     lambda r: r["project_key"] != "ALPHA" and r["seconds"] > 3600),
])
def test_filters_equal_the_filtered_export(server, keys, option, where):
    text = f"({period_filter()}) and ({option})"
    raw, _ = raw_reader(server, "dave", keys["dave"], f"Worklogs?$filter={urllib.parse.quote(text)}")
    expected = export_rows(server, "dave", where)
    assert [comparable(r) for r in raw] == [comparable(r) for r in expected]
    assert expected, option


def test_a_bad_option_is_an_odata_error_naming_it(server, keys):
    auth = base64.b64encode(f"dave:{keys['dave']}".encode()).decode()
    request = urllib.request.Request(f"{server.url}/odata/Worklogs?$filter=substringof('x',comment)",
                                     headers={"Authorization": f"Basic {auth}"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code == 400
    body = json.loads(err.value.read())
    assert body["error"]["target"] == "$filter"
    assert "position 1" in body["error"]["message"]
