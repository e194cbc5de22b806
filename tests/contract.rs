//! The `graph.json` contract, checked by outside readers: the JSON Schema we ship
//! (validated with Python's `jsonschema`) and NetworkX's `node_link_graph(data, edges="edges")`.

mod common;

use std::path::Path;

#[test]
fn committed_graph_validates_against_the_schema() {
    let Some(python) = common::python_or_skip("json schema", &[("jsonschema", "jsonschema")])
    else {
        return;
    };
    let out = common::run_python(
        &python,
        "import json, sys, jsonschema\n\
         schema = json.load(open(sys.argv[1]))\n\
         jsonschema.Draft202012Validator.check_schema(schema)\n\
         jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n\
         print('valid')",
        &[
            Path::new("schema/graph.schema.json"),
            Path::new("output/graph.json"),
        ],
    );
    assert_eq!(out.trim(), "valid");
}

#[test]
fn networkx_reads_graph_json_as_is() {
    let Some(python) = common::python_or_skip("networkx node-link", &[("networkx", "networkx")])
    else {
        return;
    };
    let graph: serde_json::Value =
        serde_json::from_slice(&std::fs::read("output/graph.json").unwrap()).unwrap();
    let out = common::run_python(
        &python,
        "import json, sys, networkx as nx\n\
         g = nx.node_link_graph(json.load(open(sys.argv[1])), edges='edges')\n\
         print(g.number_of_nodes(), g.number_of_edges(), g.is_directed())\n\
         print(g.nodes['xi-jinping']['type'], g.edges['xi-jinping', 'china', 'leads']['relation'])",
        &[Path::new("output/graph.json")],
    );
    let mut lines = out.lines();
    let nodes = graph["nodes"].as_array().unwrap().len();
    let edges = graph["edges"].as_array().unwrap().len();
    assert_eq!(lines.next().unwrap(), format!("{nodes} {edges} True"));
    assert_eq!(lines.next().unwrap(), "person leads");
}
