"""The ontology is in the profile it claims, by real OWL tools: the OWL API's profile checker
(Debian's libowlapi-java, a small Java program compiled here with javac) and HermiT (through
owlready2) on the ontology and the data.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # Java: the OWL API and HermiT

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path(__file__).parent / "owl" / "ProfileCheck.java"
JARS = Path("/usr/share/java")


@pytest.fixture(scope="module")
def profile_checker(tmp_path_factory):
    """The compiled checker and its class path; skipped only where Java or the OWL API is missing."""
    if not shutil.which("javac") or not (JARS / "owlapi-distribution.jar").exists():
        pytest.skip("javac or the OWL API is not installed (Debian: apt-get install libowlapi-java; .ci/run installs it)")
    classes = tmp_path_factory.mktemp("owlapi")
    class_path = ":".join([str(classes)] + sorted(str(jar) for jar in JARS.glob("*.jar")))
    subprocess.run(["javac", "-d", str(classes), "-cp", class_path, str(CHECKER)], check=True, capture_output=True)
    return class_path


def test_the_owl_api_finds_the_ontology_in_owl2_rl_and_dl(profile_checker):
    done = subprocess.run(["java", "-cp", profile_checker, "ProfileCheck", str(ROOT / "ontology" / "astana.ttl"),
                           "OWL2_DL", "OWL2_RL"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["OWL2_DL 0", "OWL2_RL 0"], done.stdout


def test_hermit_finds_ontology_and_data_consistent_with_no_unsatisfiable_class(tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    if not shutil.which("java"):
        pytest.skip("java is not installed")
    from click.testing import CliRunner

    from kg.cli import cli

    graph = tmp_path / "astana-kg.nt"
    assert CliRunner().invoke(cli, ["export", "--format", "nt", "--output", str(graph)]).exit_code == 0
    world = owlready2.World()
    ontology = world.get_ontology(graph.as_uri()).load(format="ntriples")
    # The data's dates are typed at the source's precision (xsd:date, gYear, gYearMonth,
    # gMonthDay, gMonth), none in OWL 2's datatype map: HermiT treats them as opaque values.
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []
    assert len(list(ontology.classes())) > 40


def test_hermit_finds_the_ontology_alone_consistent_without_any_leniency(tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    import pyoxigraph as ox

    path = tmp_path / "ontology.nt"
    path.write_bytes(ox.serialize(ox.parse(path=str(ROOT / "ontology" / "astana.ttl")), format=ox.RdfFormat.N_TRIPLES))
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


def test_other_vocabularies_terms_are_referenced_not_redefined(ontology_graph):
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    ours = "https://w3id.org/astana-kg/"
    foreign = {s for s in ontology_graph.subjects() if isinstance(s, URIRef) and not str(s).startswith(ours)}
    axioms = [(s, p) for s in foreign for p in (RDFS.domain, RDFS.range, RDFS.subClassOf, OWL.equivalentClass)
              if (s, p, None) in ontology_graph]
    assert axioms == []
    assert (OWL.sameAs, RDF.type, None) not in ontology_graph
    defined_by = {str(o) for s in foreign for o in ontology_graph.objects(s, RDFS.isDefinedBy)}
    assert defined_by <= {"http://www.w3.org/2004/02/skos/core", "http://purl.org/dc/terms/",
                          "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#"}
