"""grlc serves queries/ as it is, against a real Oxigraph server, and gives kg's rows.

grlc (tests/grlc.py) reads the folder itself, and is told the test server's
address with ``endpoint=`` on each call, since the headers' ``#+ endpoint``
names kg serve's default address (kg serve, on a port of its own, is tried too). Every saved query is called without its
parameters (grlc asks for a required one, so it gets the default grlc's own
page fills in) and with them, and grlc's JSON rows are compared with the
rows kg's own engine gives for the same values.
"""

import pytest
from click.testing import CliRunner
from grlc import start_grlc
from test_triple_store import QUERIES

from kg.cli import cli
from kg.queries import load_saved_queries, parse_iri
from kg.remote import parse_results_json
from kg.serve import free_port
from kg.store import open_sparql
from kg.workspace import Workspace

pytestmark = pytest.mark.slow  # a grlc server

SAVED = load_saved_queries(QUERIES)
RES = "https://w3id.org/astana-kg/resource/"
HEADER_ENDPOINT = "http://127.0.0.1:7878/sparql"  # kg serve's default address

# Values other than the defaults, each giving rows (only round 22 has agenda topics).
GIVEN = {
    "agenda-of-round": {"round": "22"},
    "heads-at-meeting": {"meeting": RES + "round-21"},
    "heads-of-delegation": {"round": "21"},
    "heads-over-time": {"party": RES + "turkey"},
    "name-variants": {"person": RES + "geir-pedersen"},
    "observers-of-round": {"round": "21"},
    "outcomes-of-round": {"round": "4"},
    "rounds-observed-by-country": {"country": RES + "iraq"},
    "sources-of-entity": {"entity": RES + "turkey"},
    "sources-of-observation": {"round": "21", "observer": RES + "united-nations"},
    "statements-at-meeting": {"meeting": RES + "round-22"},
    "statements-by-person": {"person": RES + "staffan-de-mistura"},
    "timeline": {"since": "2024-01-01"},
}


@pytest.fixture(scope="module")
def grlc_api(oxigraph_server, tmp_path_factory):
    """grlc over queries/, and the Oxigraph server holding what kg load puts there."""
    result = CliRunner().invoke(cli, ["load", "--endpoint", oxigraph_server.query_url, "--graph-store",
                                      oxigraph_server.store_url, "--replace", "--reasoned"])
    assert result.exit_code == 0, result.output
    server = start_grlc(QUERIES, tmp_path_factory.mktemp("grlc"), free_port())
    yield server, oxigraph_server.query_url
    server.stop()
    assert server.process.poll() is not None


@pytest.fixture(scope="module")
def swagger(grlc_api):
    server, _ = grlc_api
    return server.swagger()


def kg_rows(name, values):
    text = SAVED[name].bind({key: [value] for key, value in values.items()})
    return open_sparql(Workspace.from_environment()).query(text, pin=SAVED[name].pins(text)).row_tuples()


def grlc_rows(grlc_api, name, values):
    server, endpoint = grlc_api
    status, content_type, body = server.call(name, {"endpoint": endpoint, **values})
    assert status == 200 and "json" in content_type, body.decode("utf-8", "replace")[:500]
    return parse_results_json(body).row_tuples()


def defaults_of_grlcs_page(swagger, name):
    """The values grlc's page fills in for the required parameters: the headers' defaults."""
    return {key: str(p["default"]) for key, p in parameters_in(swagger, name).items() if p["required"]}


def parameters_in(swagger, name):
    """grlc's parameters of a call, without ``endpoint``, which grlc adds to every call."""
    return {p["name"]: p for p in swagger["paths"][f"/{name}"]["get"]["parameters"] if p["name"] != "endpoint"}


def test_grlc_offers_every_saved_query_with_kgs_summary(swagger):
    assert sorted(path.lstrip("/") for path in swagger["paths"]) == sorted(SAVED)
    assert {name: swagger["paths"][f"/{name}"]["get"]["summary"] for name in SAVED} == \
        {name: saved.summary for name, saved in SAVED.items()}


def test_grlc_reads_the_parameters_defaults_and_choices_kg_reads(swagger):
    def as_kg_reads(parameter, value):
        return parse_iri(value) if parameter.kind == "iri" else str(value)

    for name, saved in SAVED.items():
        offered = parameters_in(swagger, name)
        assert sorted(offered) == sorted(p.name for p in saved.parameters), name
        for parameter in saved.parameters:
            grlc = offered[parameter.name]
            assert grlc["required"] == parameter.required, (name, parameter.name)
            assert (None if "default" not in grlc else as_kg_reads(parameter, grlc["default"])) == \
                (None if parameter.default is None else as_kg_reads(parameter, parameter.default)), (name, parameter.name)
            assert sorted(as_kg_reads(parameter, c) for c in grlc.get("enum", [])) == \
                sorted(as_kg_reads(parameter, c) for c in parameter.choices), (name, parameter.name)


def test_every_header_names_kg_serves_endpoint(swagger):
    """grlc offers the header's endpoint as the default of its ``endpoint`` argument."""
    assert {name: next(p["default"] for p in swagger["paths"][f"/{name}"]["get"]["parameters"]
                       if p["name"] == "endpoint") for name in SAVED} == {name: HEADER_ENDPOINT for name in SAVED}


@pytest.mark.parametrize("name", sorted(SAVED))
def test_without_parameters_grlc_gives_kgs_rows(name, grlc_api, swagger):
    rows = grlc_rows(grlc_api, name, defaults_of_grlcs_page(swagger, name))
    assert rows == kg_rows(name, {})
    assert rows or name == "coverage-gaps", "a query whose rows are none shows nothing"


def test_every_query_with_parameters_is_given_values():
    assert sorted(GIVEN) == sorted(name for name, saved in SAVED.items() if saved.parameters)


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_with_parameters_grlc_gives_kgs_rows(name, grlc_api):
    rows = grlc_rows(grlc_api, name, GIVEN[name])
    assert rows and rows == kg_rows(name, GIVEN[name])


@pytest.mark.parametrize("name", ["rounds", "observers-of-round", "timeline"])
def test_grlcs_csv_is_the_bytes_kg_query_prints(name, grlc_api, swagger):
    server, endpoint = grlc_api
    status, content_type, body = server.call(name, {"endpoint": endpoint, **defaults_of_grlcs_page(swagger, name)},
                                             content="csv")
    assert status == 200 and content_type.startswith("text/csv")
    assert body == CliRunner().invoke(cli, ["query", name, "--format", "csv"]).stdout_bytes


@pytest.mark.parametrize("name", sorted(SAVED))
def test_against_kg_serve_the_endpoint_the_headers_name_grlc_gives_kgs_rows(name, grlc_api, swagger, web_server):
    server, _ = grlc_api
    rows = grlc_rows((server, f"{web_server}/sparql"), name, defaults_of_grlcs_page(swagger, name))
    assert rows == kg_rows(name, {})
