"""Writes the fuzz seeds of the operations target from the cross-host scenarios:
one file per step, laid out as fuzz_targets/operations.rs reads it."""
import hashlib
import json
import pathlib
import re
import sys

scenarios, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
# The operations, in the component's order (the table in wasm/app/src/ops/mod.rs).
table = (pathlib.Path(__file__).parent / "../wasm/app/src/ops/mod.rs").read_text()
operations = re.findall(r'operation!\(\s*"([^"]+)"', table)
for path in sorted(scenarios.glob("*.json")):
    for step in json.loads(path.read_text()).get("steps", []):
        name = step.get("operation")
        if name not in operations:
            continue
        text = json.dumps(step.get("input", {})).encode()
        # Person with an account; Jira answers: {} then 404.
        data = bytes([operations.index(name), 0, 0, 2, 0xFF]) + text
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
