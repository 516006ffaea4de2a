"""Writes the ECK Elasticsearch CRD without its `description:` fields (they are 90% of its size and the sandbox only
needs the schema). Usage: python3 strip-descriptions.py SOURCE.yaml > elasticsearch.k8s.elastic.co_elasticsearches.yaml"""
import sys
import yaml


def strip(node, parent_key=None):
    if isinstance(node, dict):
        # A property that is itself *named* "description" (under `properties:`) is schema, not documentation.
        return {k: strip(v, k) for k, v in node.items() if k != "description" or parent_key == "properties"}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


with open(sys.argv[1]) as f:
    documents = [strip(d) for d in yaml.safe_load_all(f) if d is not None]
yaml.safe_dump_all(documents, sys.stdout, sort_keys=False, width=200)
